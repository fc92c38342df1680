import type { FastifyInstance } from 'fastify';

/**
 * A request whose Content-Type says JSON but which carries no content at all has no body, as if the header
 * were absent: many HTTP clients send `Content-Type: application/json` on every request, a DELETE
 * included, and Fastify's own parser refuses the empty text as malformed JSON. A route that needs a body
 * still refuses it, in validation (problem.ts names the missing body). Anything else, whitespace included,
 * is parsed by Fastify's parser with the instance's poisoning settings and body limit.
 *
 * A plugin may still replace this parser within its own scope (gateway notifications keep the raw text).
 */
export function registerJsonBodies(app: FastifyInstance) {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = app.initialConfig;
  const parseJson = app.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done); // parseAs: 'string'
  });
}

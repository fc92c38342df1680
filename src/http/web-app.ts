import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendProblem } from './problem.js';

/**
 * The built back office (Vite writes it to dist/web). This module runs from src/http under tsx and
 * from dist/http once compiled, so both places are looked at. ORDERDECK_WEB_ROOT points elsewhere
 * (used to test a build kept apart from dist/).
 */
export function findWebRoot(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const given = process.env.ORDERDECK_WEB_ROOT;
  for (const candidate of given ? [given] : [join(here, '../web'), join(here, '../../dist/web')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

/**
 * Serves the single-page app at `/`. Hashed assets are cached for a year; index.html never, so a new
 * release is picked up on the next navigation. Any other GET that wants HTML gets index.html, which
 * lets a bookmarked `/orders/OD-1000123` or `/review?email=…` open directly.
 */
export async function registerWebApp(app: FastifyInstance, webRoot: string | null = findWebRoot()): Promise<void> {
  if (!webRoot) {
    // Not built (e.g. a bare `tsx` run before `npm run build`): the API docs are the front door.
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/api/docs'));
    return;
  }
  /**
   * The signed-in back office must not be framed by another site (a click on a hidden "Reject" or "Refund"
   * under a decoy page); nor the pay page, which takes a card.
   */
  const PAGE_HEADERS = {
    'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'", 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin',
  };
  await app.register(fastifyStatic, {
    root: webRoot,
    wildcard: false,
    index: false,
    // Vite's hashed assets have .br/.gz twins written at build time (web/compress.mjs).
    preCompressed: true,
    cacheControl: false, // set below: a year for hashed assets, revalidate for the rest
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
    },
  });
  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').headers(PAGE_HEADERS).sendFile('index.html');
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0]!;
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (path.startsWith('/api/') || path.startsWith('/assets/') || !wantsHtml) {
      return sendProblem(reply, 404, 'not_found', `no route GET ${path}`);
    }
    return sendIndex(reply);
  });
}

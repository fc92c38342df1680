import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_STATUS, type ErrorCode } from '../shared/errors.js';
import { StoredResponse } from './idempotency.js';
import { describeValidationError } from './validation.js';

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 428: 'Precondition Required',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function sendProblem(reply: FastifyReply, status: number, code: string, detail: string, extra: { field?: string | undefined; allowed?: string[] } = {}) {
  const body: Record<string, unknown> = {
    type: `https://orderdeck.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    requestId: String(reply.request.id),
  };
  if (extra.field) body.field = extra.field;
  if (extra.allowed) body.allowed = extra.allowed;
  return reply.code(status).type('application/problem+json').send(body);
}

const MISSING_BODY = 'the request body is empty; this request needs a JSON body';

/** Fastify's own errors, mapped onto our codes so clients see one vocabulary. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

/** The one place an error becomes an HTTP response. A 5xx never carries the internal message. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError | StoredResponse, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof StoredResponse) return error.send(reply);
    if (error instanceof AppError) {
      const allowed = error.details?.allowed as string[] | undefined;
      return sendProblem(reply, error.status, error.code, error.message, { field: error.field, ...(allowed ? { allowed } : {}) });
    }
    const fe = error as FastifyError;
    if (fe.validation && fe.validation.length) {
      const part = fe.validationContext ?? 'body';
      // No content at all (json-body.ts): say so, rather than that "body must be object".
      if (part === 'body' && request.body === undefined) return sendProblem(reply, 400, 'validation_failed', MISSING_BODY, { field: '/' });
      const { field, message } = describeValidationError(fe.validation[0] as never, part);
      return sendProblem(reply, 400, 'validation_failed', message, { field });
    }
    if (fe.code && FASTIFY_CODES[fe.code]) {
      const code = FASTIFY_CODES[fe.code]!;
      const detail = fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? MISSING_BODY
        : code === 'malformed_json' ? 'the request body is not valid JSON'
        // Say what would be accepted: the client can fix a header, not guess one.
        : code === 'unsupported_media_type' ? 'a request body must be JSON, sent with "Content-Type: application/json"'
        : code === 'payload_too_large' ? `the request body is larger than the ${request.routeOptions.bodyLimit} bytes this server accepts (ORDERDECK_BODY_LIMIT)`
        : fe.message;
      return sendProblem(reply, ERROR_STATUS[code], code, detail, { field: code === 'malformed_json' ? '/' : undefined });
    }
    if (fe.statusCode === 429) return sendProblem(reply, 429, 'rate_limited', 'too many requests; slow down and retry later');
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendProblem(reply, fe.statusCode, 'validation_failed', fe.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, 500, 'internal', 'something went wrong on our side; the request id identifies it in the logs');
  });

  app.setNotFoundHandler((request, reply) => sendProblem(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
}

/** How long a client should wait before retrying a request refused because this server is stopping. */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 5;

/**
 * While the server drains (SIGTERM → app.close()), a request still arriving on an open connection is
 * refused like any other error, before authentication or its handler: problem+json with a stable code
 * and Retry-After (Fastify adds `Connection: close`, so the retry opens a connection to a server that is
 * up). Fastify's own refusal (`return503OnClosing`) writes a plain JSON body past every hook, so
 * buildApp turns it off and relies on this hook, registered before any other.
 */
export function registerShutdownRefusal(app: FastifyInstance) {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A callback hook, not an async one: it runs on every request, and while the server is up it only reads a flag.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    // The route's own schema for 503 (the health probe has one) must not shape this body.
    reply.serializer(JSON.stringify).header('retry-after', String(SHUTDOWN_RETRY_AFTER_SECONDS));
    sendProblem(reply, 503, 'unavailable', 'this server is shutting down; retry the request, which another server or this one once restarted will answer');
  });
}

/**
 * Errors the router meets before there is a route (Fastify's `frameworkErrors` option): a path that is
 * not valid percent-encoding (`/items/%FF`), a path parameter over the router's length limit. Answered
 * like every other refusal; the path is not echoed, as it may hold anything (a card number included).
 * No route means no hooks: the request id header app.ts adds in onSend is added here.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id);
  if (error.code !== 'FST_ERR_BAD_URL' && error.code !== 'FST_ERR_MAX_PARAM_LENGTH') {
    request.log.error({ err: error }, 'unhandled router error');
    return sendProblem(reply, 500, 'internal', 'something went wrong on our side; the request id identifies it in the logs');
  }
  const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? 'a path segment is too long for any resource here'
    : 'the request path is not valid: every % must start an escape of UTF-8 bytes, such as %20';
  return sendProblem(reply, 400, 'validation_failed', detail, { field: 'path' });
}

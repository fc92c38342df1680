/**
 * The OpenAPI document is generated from the route schemas (@fastify/swagger); this completes it, in one
 * place, with what the server does around every route and which a route schema cannot say:
 * - every error is sent as application/problem+json (problem.ts), whatever a schema's default media type;
 * - every operation may be refused by the rate limit (429), and any with a request body may be refused
 *   for its size (413) or media type (415) before its handler runs;
 * - the Idempotency-Key and If-Match request headers, with the responses only they cause.
 */
import type { FastifyDynamicSwaggerOptions, SwaggerTransformObject } from '@fastify/swagger';

type Json = Record<string, unknown>;
interface Operation {
  parameters?: Json[];
  requestBody?: Json;
  responses?: Record<string, Json>;
}

const PROBLEM = 'application/problem+json';

/** Operations that store their response under an Idempotency-Key (runInTransaction or runIdempotently). */
export const IDEMPOTENT_OPERATIONS = new Set([
  'POST /api/v1/orders',
  'POST /api/v1/orders/{orderId}/stage',
  'POST /api/v1/orders/{orderId}/reject',
  'POST /api/v1/orders/{orderId}/payments/mark-paid',
  'POST /api/v1/orders/{orderId}/refunds',
  'POST /api/v1/orders/{orderId}/payments/capture',
  'POST /api/v1/orders/{orderId}/payments/retry',
  'POST /api/v1/payments/retry',
  'POST /api/v1/orders/{orderId}/payments/{ledgerId}/resolve',
  'POST /api/v1/orders/{orderId}/payments/{ledgerId}/reference',
  'POST /api/v1/items',
  'POST /api/v1/customers',
  'POST /api/v1/saved-views',
]);

/**
 * If-Match is honoured by every operation that documents 412 (only a stale If-Match causes one); these
 * honour it too but their route schemas do not say 412 yet.
 */
export const IF_MATCH_UNDOCUMENTED = new Set(['POST /api/v1/orders/{orderId}/reject']);

const idempotencyKeyHeader = {
  in: 'header', name: 'Idempotency-Key', required: false, schema: { type: 'string', minLength: 1, maxLength: 200 },
  description: 'Makes a retry safe: the same key with the same request returns the first response (status, body, ETag; '
    + 'header `idempotent-replayed: true`) and changes nothing again; the same key with another request is 422.',
};
const ifMatchHeader = {
  in: 'header', name: 'If-Match', required: false, schema: { type: 'string' },
  description: 'The ETag you read (`"v3"`), or a list of them, any of which may match; `*` names no version. Strong comparison: '
    + 'a weak `W/"v3"` never matches. A stale one is 412, an unparseable one 400. Alternatively `version` in the body; '
    + 'sent with If-Match it must be one of the versions If-Match names (400 otherwise).',
};

function problem(description: string): Json {
  return { description, content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/Problem' } } } };
}

function completeOperation(id: string, method: string, op: Operation) {
  const responses = (op.responses ??= {});
  // Errors as they are sent: the schema stays, the media type is problem+json's.
  for (const [status, response] of Object.entries(responses)) {
    const content = response.content as Record<string, unknown> | undefined;
    if (Number(status) < 400 || !content?.['application/json']) continue;
    response.content = { [PROBLEM]: content['application/json'] };
  }
  responses['429'] ??= problem('Too many requests (rate limit); retry later');
  if (op.requestBody || method === 'delete') {
    responses['413'] ??= problem('The request body is larger than the server accepts');
    responses['415'] ??= problem('The request body is not JSON');
  }
  const headers: Json[] = [];
  if (IDEMPOTENT_OPERATIONS.has(id)) {
    headers.push(idempotencyKeyHeader);
    responses['422'] ??= problem('The Idempotency-Key was already used for a different request');
  }
  if (responses['412'] || IF_MATCH_UNDOCUMENTED.has(id)) {
    headers.push(ifMatchHeader);
    responses['412'] ??= problem('If-Match names a version that is no longer current');
  }
  if (headers.length) op.parameters = [...(op.parameters ?? []), ...headers];
}

/** `transformObject` for @fastify/swagger: completes the generated document in place. */
export const completeOpenApi: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const paths = (document.openapiObject.paths ?? {}) as unknown as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) completeOperation(`${method.toUpperCase()} ${path}`, method, op);
  }
  return document.openapiObject;
};

/** Names shared schemas after their `$id` (Problem, Order…) rather than def-0, def-1…, so references above can name them. */
export const refResolver: FastifyDynamicSwaggerOptions['refResolver'] = {
  buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
};

import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';

interface Operation {
  parameters?: { in: string; name: string }[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

describeEachDatabase('the OpenAPI document says what the server answers', (getDb) => {
  let t: TestApp;
  let doc: Document;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db, { bodyLimitBytes: 4096 });
    doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  });
  afterAll(async () => t.close());

  /** The real response's status and media type are documented for the operation that gave it. */
  const expectDocumented = (method: string, path: string, res: LightMyRequestResponse) => {
    const op = doc.paths[`/api/v1${path}`]?.[method];
    expect(op, `${method} ${path}`).toBeDefined();
    const documented = op!.responses[String(res.statusCode)];
    expect(documented, `${method} ${path} → ${res.statusCode} ${res.body}`).toBeDefined();
    const type = String(res.headers['content-type']).split(';')[0]!;
    expect(Object.keys(documented!.content ?? {}), `${method} ${path} → ${res.statusCode}`).toContain(type);
  };
  const headersOf = (method: string, path: string) =>
    (doc.paths[`/api/v1${path}`]![method]!.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
  const newOrder = async () => (await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput() })).json().orderId as string;

  it('documents real refusals of order routes with their status and problem+json', async () => {
    const orderId = await newOrder();
    const stale = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${orderId}/reject`, payload: { reason: 'x' }, headers: { 'if-match': '"v9"' } });
    expect(stale.statusCode).toBe(412);
    expectDocumented('post', '/orders/{orderId}/reject', stale);

    const garbage = await t.as('admin', { method: 'PATCH', url: `/api/v1/orders/${orderId}`, payload: { tags: ['x'] }, headers: { 'if-match': 'garbage' } });
    expect(garbage.statusCode).toBe(400);
    expectDocumented('patch', '/orders/{orderId}', garbage);

    const input = orderInput();
    await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input, headers: { 'idempotency-key': 'doc-key' } });
    const reused = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: { ...input, channel: 'phone' }, headers: { 'idempotency-key': 'doc-key' } });
    expect(reused.statusCode).toBe(422);
    expectDocumented('post', '/orders', reused);

    const large = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: { ...orderInput(), notes: 'x'.repeat(5000) } });
    expect(large.statusCode).toBe(413);
    expectDocumented('post', '/orders', large);

    const text = await t.as('admin', { method: 'POST', url: '/api/v1/customers', payload: '<customer/>', headers: { 'content-type': 'application/xml' } });
    expect(text.statusCode).toBe(415);
    expectDocumented('post', '/customers', text);

    const missing = await t.as('admin', { method: 'GET', url: '/api/v1/orders/NOPE-1' });
    expect(missing.statusCode).toBe(404);
    expectDocumented('get', '/orders/{orderId}', missing);
  });

  it('documents the rate limit on every operation', async () => {
    const limited = await buildTestApp(getDb().db, { rateLimitPerMinute: 1 });
    try {
      const key = await limited.keyFor('admin');
      const get = () => limited.app.inject({ method: 'GET', url: '/api/v1/stages', headers: { authorization: `Bearer ${key}` } });
      await get();
      const res = await get();
      expect(res.statusCode).toBe(429);
      expectDocumented('get', '/stages', res);
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item)) expect(op.responses['429'], `${method} ${path}`).toBeDefined();
      }
    } finally {
      await limited.close();
    }
  });

  it('declares Idempotency-Key and If-Match where they are honoured', () => {
    expect(headersOf('post', '/orders')).toContain('Idempotency-Key');
    expect(headersOf('post', '/orders/{orderId}/reject')).toEqual(expect.arrayContaining(['Idempotency-Key', 'If-Match']));
    expect(headersOf('patch', '/orders/{orderId}')).toContain('If-Match');
    expect(headersOf('delete', '/items/{sku}')).toContain('If-Match');
    expect(headersOf('get', '/orders/{orderId}')).toEqual([]);
  });

  it('answers a path that is not valid percent-encoding with problem+json and the request id', async () => {
    const res = await t.as('admin', { method: 'GET', url: '/api/v1/items/%FF' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'validation_failed', field: 'path', requestId: res.headers['x-request-id'] });
  });
});

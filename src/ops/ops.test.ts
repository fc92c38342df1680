import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, loggerOptions } from '../http/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, testConfig, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';

describeEachDatabase('operations endpoints', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  it('answers health without authentication', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: getDb().dialect });
  });

  it('requires authentication everywhere else: 401 without credentials, 401 with a bad key', async () => {
    for (const url of ['/api/v1/orders/OD-1', '/api/v1/metrics']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer odk_nope_nope' } })).statusCode).toBe(401);
    }
  });

  it('serves an OpenAPI 3.1 document describing the order routes, and the docs page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/orders', '/api/v1/orders/{orderId}', '/api/v1/orders/{orderId}/stage']));
    expect(doc.paths['/api/v1/orders'].post.requestBody.content['application/json'].schema.properties.items).toBeDefined();
    expect((await t.app.inject({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
  });

  it('exposes Prometheus metrics with per-route latency, orders per stage and the outbox backlog', async () => {
    await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput() });
    const res = await t.as('admin', { method: 'GET', url: '/api/v1/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/orderdeck_http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/orders"/);
    expect(res.body).toMatch(/orderdeck_orders_by_stage\{stage="shipping_department"\} [1-9]/);
    expect(res.body).toMatch(/orderdeck_outbox_backlog [1-9]/);
    expect((await t.as('read_only', { method: 'GET', url: '/api/v1/metrics' })).statusCode).toBe(403);
  });

  it('logs JSON lines with the request id and without credentials', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const app = await buildApp({ config: testConfig(), db: getDb().db, logger: { ...(loggerOptions('info') as object), stream } });
    const key = await t.keyFor('admin');
    const res = await app.inject({ method: 'GET', url: '/api/v1/orders/OD-404', headers: { authorization: `Bearer ${key}`, 'x-request-id': 'req-abc-123', cookie: 'orderdeck_session=secret-cookie' } });
    expect(res.headers['x-request-id']).toBe('req-abc-123');
    await app.inject({ method: 'GET', url: '/api/v1/orders?email=private.person%40example.com', headers: { authorization: `Bearer ${key}` } });
    await app.close();
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.filter((l) => l.reqId === 'req-abc-123').length).toBeGreaterThanOrEqual(2);
    const all = lines.join('');
    expect(all).not.toContain(key);
    expect(all).not.toContain('secret-cookie');
    expect(all).not.toContain('private.person');
    expect(all).toContain('"path":"/api/v1/orders"');
  });
});

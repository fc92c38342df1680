import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
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
    const pending = await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('delivered_at', 'is', null).executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBeGreaterThan(0);
    expect(res.body).toContain(`orderdeck_outbox_backlog ${Number(pending.n)}\n`);
    // Delivered events leave the backlog.
    const [oldest] = await t.db.selectFrom('outbox').select('id').where('delivered_at', 'is', null).orderBy('id').limit(1).execute();
    await t.db.updateTable('outbox').set({ delivered_at: Date.now() }).where('id', '=', oldest!.id).execute();
    expect((await t.as('admin', { method: 'GET', url: '/api/v1/metrics' })).body).toContain(`orderdeck_outbox_backlog ${Number(pending.n) - 1}\n`);
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
  describe('request rate limit (ORDERDECK_RATE_LIMIT: per client IP, per process)', () => {
    const LIMIT = 3;
    let limited: TestApp;
    beforeAll(async () => {
      const { rateLimitPerMinute } = loadConfig({ ORDERDECK_RATE_LIMIT: String(LIMIT) });
      expect(rateLimitPerMinute).toBe(LIMIT);
      limited = await buildTestApp(getDb().db, { rateLimitPerMinute });
    });
    afterAll(async () => limited?.close());

    // Any unauthenticated request counts; the health probe is the one route left out (below).
    const health = (ip: string, headers: Record<string, string> = {}) => limited.app.inject({ method: 'GET', url: '/api/v1/openapi.json', remoteAddress: ip, headers });
    const readOrders = async (ip: string, role: 'admin' | 'read_only') =>
      limited.app.inject({ method: 'GET', url: '/api/v1/orders', remoteAddress: ip, headers: { authorization: `Bearer ${await limited.keyFor(role)}` } });
    const expectRateLimited = (res: Awaited<ReturnType<typeof health>>) => {
      expect(res.statusCode, res.body).toBe(429);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toEqual({
        type: 'https://orderdeck.dev/problems/rate_limited', title: 'Too Many Requests', status: 429, code: 'rate_limited',
        detail: expect.stringMatching(/too many requests/i), requestId: res.headers['x-request-id'],
      });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    };

    it('answers 429 with a problem body once one client IP has used its requests, and only for that IP', async () => {
      for (let i = 1; i <= LIMIT; i++) {
        const res = await health('10.77.0.1');
        expect(res.statusCode, `request ${i}`).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
        expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - i));
      }
      expectRateLimited(await health('10.77.0.1'));
      expectRateLimited(await health('10.77.0.1'));
      // Keyed by IP, not by credential: another API key from the same address shares the spent budget …
      expectRateLimited(await readOrders('10.77.0.1', 'read_only'));
      // … while another address is unaffected, authenticated or not.
      expect((await health('10.77.0.2')).statusCode).toBe(200);
      expect((await readOrders('10.77.0.3', 'admin')).statusCode).toBe(200);
    });

    it('counts every route against the same budget, including unknown paths', async () => {
      expect((await readOrders('10.77.1.1', 'admin')).statusCode).toBe(200);
      expect((await limited.app.inject({ method: 'GET', url: '/api/v1/no-such-route', remoteAddress: '10.77.1.1' })).statusCode).toBe(404);
      expect((await health('10.77.1.1')).statusCode).toBe(200);
      expectRateLimited(await readOrders('10.77.1.1', 'admin'));
    });

    it('cannot be dodged with X-Forwarded-For when no proxy is trusted', async () => {
      for (let i = 0; i < LIMIT; i++) expect((await health('10.77.2.1', { 'x-forwarded-for': `192.0.2.${i}` })).statusCode).toBe(200);
      expectRateLimited(await health('10.77.2.1', { 'x-forwarded-for': '192.0.2.200' }));
    });

    it('behind a trusted proxy, limits each forwarded client separately', async () => {
      const proxied = await buildTestApp(getDb().db, { rateLimitPerMinute: LIMIT, trustProxy: true });
      try {
        const via = (client: string) => proxied.app.inject({ method: 'GET', url: '/api/v1/openapi.json', remoteAddress: '10.0.0.10', headers: { 'x-forwarded-for': client } });
        for (let i = 0; i < LIMIT; i++) expect((await via('198.51.100.1')).statusCode).toBe(200);
        expectRateLimited(await via('198.51.100.1'));
        expect((await via('198.51.100.2')).statusCode).toBe(200);
      } finally {
        await proxied.close();
      }
    });

    it('never limits the health probe, which a load balancer sends from an address real traffic shares', async () => {
      for (let i = 0; i < LIMIT * 3; i++) {
        const res = await limited.app.inject({ method: 'GET', url: '/api/v1/health', remoteAddress: '10.77.4.1' });
        expect(res.statusCode, `probe ${i}`).toBe(200);
      }
      expectRateLimited((await (async () => {
        for (let i = 0; i < LIMIT; i++) await health('10.77.4.1');
        return health('10.77.4.1');
      })()));
    });

    // Authentication answers before the routes' rate-limit hook would run: its refusals are counted first.
    it('limits requests that fail authentication too', async () => {
      const bad = () => limited.app.inject({ method: 'GET', url: '/api/v1/orders', remoteAddress: '10.77.3.1', headers: { authorization: 'Bearer odk_nope_nope' } });
      for (let i = 0; i < LIMIT; i++) {
        const res = await bad();
        expect(res.statusCode).toBe(401);
        expect(res.json().detail).toBe('the API key is not valid: unknown, revoked, or its user is deactivated');
      }
      expectRateLimited(await bad());
    });
  });
});

import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../outbox/outbox.repository.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { sha256 } from './auth.repository.js';
import { createUser } from './users.service.js';

const PASSWORD = 'correct horse battery staple';
const LIMIT = 3;
let ipSeq = 0;
/** A fresh client address per call, so the per-IP limit only bites where a test wants it to. */
const freshIp = () => `198.51.100.${++ipSeq}`;

async function signIn(app: FastifyInstance, email: string, password = PASSWORD) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: freshIp() });
  expect(res.statusCode, res.body).toBe(200);
  const token = res.cookies.find((c) => c.name === 'orderdeck_session')!.value;
  const csrf = res.json().csrfToken as string;
  const inject = (opts: InjectOptions, withCsrf = true) =>
    app.inject({ ...opts, cookies: { orderdeck_session: token }, headers: { ...(opts.headers ?? {}), ...(withCsrf ? { 'x-csrf-token': csrf } : {}) } });
  return { res, token, csrf, inject };
}

describeEachDatabase('sign-in and sessions', (getDb) => {
  let t: TestApp;
  const users: Record<'alice' | 'bob' | 'carol', { id: number; email: string }> = {} as never;
  const login = (email: string, password: string, remoteAddress = freshIp(), app = t.app) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

  beforeAll(async () => {
    t = await buildTestApp(getDb().db, { loginAttemptsPerWindow: LIMIT, sessionTtlHours: 2 });
    for (const name of ['alice', 'bob', 'carol'] as const) {
      const email = `${name}@example.com`;
      users[name] = { id: await createUser(t.db, { email, name, role: 'manager', password: PASSWORD }), email };
    }
  });
  afterAll(async () => t.close());

  it('signs in with a HttpOnly SameSite cookie that then works for reads', async () => {
    const { res, inject, token } = await signIn(t.app, 'Alice@Example.com ');
    const cookie = res.cookies.find((c) => c.name === 'orderdeck_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 2 * 3600 });
    expect(cookie.secure).toBeFalsy(); // plain http in tests; https requests get Secure
    expect(res.json()).toEqual({
      user: { id: users.alice.id, email: 'alice@example.com', name: 'alice', role: 'manager', permissions: expect.arrayContaining(['orders:view', 'orders:create']) },
      csrfToken: expect.any(String),
    });
    // Only the hash of the token is stored.
    const rows = await t.db.selectFrom('sessions').selectAll().where('user_id', '=', users.alice.id).execute();
    expect(rows.map((r) => r.id)).toContain(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);

    const order = (await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput() })).json();
    expect((await inject({ method: 'GET', url: `/api/v1/orders/${order.orderId}` }, false)).statusCode).toBe(200);
    const session = await inject({ method: 'GET', url: '/api/v1/auth/session' }, false);
    expect(session.json()).toEqual(res.json());
    expect((await listEventsFor(t.db, 'user', String(users.alice.id))).map((e) => [e.topic, JSON.parse(e.payload_json)])).toContainEqual(['auth.login', { userId: users.alice.id }]);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const wrong = await login(users.alice.email, 'not the password at all');
    const unknown = await login('nobody@example.com', PASSWORD);
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.json()).toMatchObject({ code: 'invalid_credentials' });
  });

  describe('login throttling (stored in the database)', () => {
    it('answers 429 with Retry-After after N failures for an email, even with the right password, across processes', async () => {
      // A second app on the same database stands in for a second process behind the load balancer.
      const other = await buildTestApp(t.db, { loginAttemptsPerWindow: LIMIT });
      try {
        for (let i = 0; i < LIMIT - 1; i++) expect((await login(users.bob.email, 'wrong password!!')).statusCode).toBe(401);
        expect((await login(users.bob.email, 'wrong password!!', freshIp(), other.app)).statusCode).toBe(401);
        for (const app of [t.app, other.app]) {
          const blocked = await login(users.bob.email, PASSWORD, freshIp(), app);
          expect(blocked.statusCode).toBe(429);
          expect(blocked.json()).toMatchObject({ code: 'rate_limited' });
          const retryAfter = Number(blocked.headers['retry-after']);
          expect(retryAfter).toBeGreaterThan(0);
          expect(retryAfter).toBeLessThanOrEqual(15 * 60);
        }
      } finally {
        await other.close();
      }
    });

    it('limits a client address across emails', async () => {
      const ip = freshIp();
      for (let i = 0; i < LIMIT; i++) expect((await login(`guess${i}@example.com`, 'whatever1234', ip)).statusCode).toBe(401);
      expect((await login(users.alice.email, PASSWORD, ip)).statusCode).toBe(429);
      expect((await login(users.alice.email, PASSWORD)).statusCode).toBe(200);
    });

    it('clears an email\'s failures on success', async () => {
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < LIMIT - 1; i++) expect((await login(users.carol.email, 'wrong password!!')).statusCode).toBe(401);
        expect((await login(users.carol.email, PASSWORD)).statusCode).toBe(200);
      }
    });
  });

  it('logs out: the session row goes, the cookie is cleared, the old cookie is refused', async () => {
    const { inject, token } = await signIn(t.app, users.alice.email);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/logout' }, false)).json()).toMatchObject({ code: 'csrf_failed' });
    const res = await inject({ method: 'POST', url: '/api/v1/auth/logout' });
    expect(res.statusCode).toBe(204);
    const cleared = res.cookies.find((c) => c.name === 'orderdeck_session')!;
    expect(cleared.value).toBe('');
    expect(cleared.expires!.getTime()).toBeLessThan(Date.now());
    expect(await t.db.selectFrom('sessions').select('id').where('id', '=', sha256(token)).executeTakeFirst()).toBeUndefined();
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session' })).statusCode).toBe(401);
    const topics = (await listEventsFor(t.db, 'user', String(users.alice.id))).map((e) => e.topic);
    expect(topics).toContain('auth.logout');
  });

  it('refuses an expired session with 401', async () => {
    const { inject, token } = await signIn(t.app, users.alice.email);
    await t.db.updateTable('sessions').set({ expires_at: Date.now() - 1 }).where('id', '=', sha256(token)).execute();
    expect((await inject({ method: 'GET', url: '/api/v1/auth/session' })).statusCode).toBe(401);
    const res = await inject({ method: 'GET', url: '/api/v1/orders/OD-1' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthenticated' });
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated write without X-CSRF-Token and accepts it with one', async () => {
      const { inject } = await signIn(t.app, users.alice.email);
      const without = await inject({ method: 'POST', url: '/api/v1/orders', payload: orderInput() }, false);
      expect(without.statusCode).toBe(403);
      expect(without.json()).toMatchObject({ code: 'csrf_failed', field: 'X-CSRF-Token' });
      const wrong = await inject({ method: 'POST', url: '/api/v1/orders', payload: orderInput(), headers: { 'x-csrf-token': 'guess' } }, false);
      expect(wrong.statusCode).toBe(403);
      expect((await inject({ method: 'POST', url: '/api/v1/orders', payload: orderInput() })).statusCode).toBe(201);
    });

    it('does not ask Bearer API keys for it', async () => {
      expect((await t.as('manager', { method: 'POST', url: '/api/v1/orders', payload: orderInput() })).statusCode).toBe(201);
    });
  });

  it('tells 401 (who are you?) from 403 (you may not)', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/users' });
    const badKey = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: 'Bearer odk_nope_nope' } });
    for (const res of [none, badKey]) expect(res.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
    const denied = await t.as('read_only', { method: 'GET', url: '/api/v1/users' });
    expect(denied.json()).toMatchObject({ status: 403, code: 'forbidden' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/session' })).statusCode).toBe(401);
  });
});

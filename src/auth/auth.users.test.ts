import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../outbox/outbox.repository.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { sha256 } from './auth.repository.js';
import { createApiKey } from './users.service.js';

const PASSWORD = 'correct horse battery staple';

async function signIn(app: FastifyInstance, email: string, password = PASSWORD) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  const token = res.cookies.find((c) => c.name === 'orderdeck_session')!.value;
  const csrf = res.json().csrfToken as string;
  return (opts: InjectOptions) => app.inject({ ...opts, cookies: { orderdeck_session: token }, headers: { ...(opts.headers ?? {}), 'x-csrf-token': csrf } });
}

describeEachDatabase('users and API keys', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const addUser = async (email: string, role = 'fulfilment') => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/users', payload: { email, name: `User ${email}`, role, password: PASSWORD } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const patchUser = (id: number, payload: object, as = (opts: InjectOptions) => t.as('admin', opts)) =>
    as({ method: 'PATCH', url: `/api/v1/users/${id}`, payload });

  describe('users', () => {
    it('creates, lists and changes users without ever showing a password hash', async () => {
      const user = await addUser('Fred@Example.com');
      expect(user).toEqual({ id: expect.any(Number), email: 'fred@example.com', name: 'User Fred@Example.com', role: 'fulfilment', active: true, createdAt: expect.any(String), updatedAt: expect.any(String) });
      const list = await t.as('admin', { method: 'GET', url: '/api/v1/users' });
      expect(list.json().items).toContainEqual(user);
      expect(list.body).not.toContain('scrypt');
      const changed = await patchUser(user.id, { name: 'Fred', role: 'accounting' });
      expect(changed.json()).toMatchObject({ name: 'Fred', role: 'accounting', active: true });
      const events = (await listEventsFor(t.db, 'user', String(user.id))).map((e) => [e.topic, JSON.parse(e.payload_json)]);
      expect(events).toEqual([
        ['user.created', { userId: user.id, by: expect.stringMatching(/^api_key:\d+$/) }],
        ['user.updated', { userId: user.id, changed: ['name', 'role'], by: expect.stringMatching(/^api_key:\d+$/) }],
      ]);
    });

    it('refuses a duplicate email, a short password, an unknown role or field', async () => {
      await addUser('dup@example.com');
      const post = (payload: object) => t.as('admin', { method: 'POST', url: '/api/v1/users', payload });
      const base = { email: 'x@example.com', name: 'X', role: 'fulfilment', password: PASSWORD };
      expect((await post({ ...base, email: 'DUP@example.com' })).json()).toMatchObject({ status: 409, field: '/email' });
      expect((await post({ ...base, password: 'short' })).json()).toMatchObject({ status: 400, field: '/password' });
      expect((await post({ ...base, role: 'owner' })).json()).toMatchObject({ status: 400, field: '/role' });
      expect((await post({ ...base, password_hash: 'x' })).json()).toMatchObject({ status: 400, field: '/password_hash' });
      expect((await patchUser(999_999, { name: 'ghost' })).statusCode).toBe(404);
    });

    it('deactivating ends the user\'s sessions and keys and stops sign-in; reactivating restores sign-in', async () => {
      const user = await addUser('leaver@example.com', 'read_only');
      const session = await signIn(t.app, user.email);
      const { key } = await createApiKey(t.db, { userId: user.id, name: 'leaver key' });
      const keyCall = () => t.app.inject({ method: 'GET', url: '/api/v1/orders/OD-1', headers: { authorization: `Bearer ${key}` } });
      expect((await session({ method: 'GET', url: '/api/v1/auth/session' })).statusCode).toBe(200);
      expect((await keyCall()).statusCode).toBe(404);
      expect((await patchUser(user.id, { active: false })).json()).toMatchObject({ active: false });
      expect((await session({ method: 'GET', url: '/api/v1/auth/session' })).statusCode).toBe(401);
      expect(await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
      expect((await keyCall()).statusCode).toBe(401);
      const refused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: PASSWORD } });
      expect(refused.json()).toMatchObject({ status: 401, code: 'invalid_credentials' });
      expect((await patchUser(user.id, { active: true, password: 'a brand new passphrase' })).statusCode).toBe(200);
      await signIn(t.app, user.email, 'a brand new passphrase');
    });

    it('keeps at least one active admin', async () => {
      const keyAdmin = (await t.as('admin', { method: 'GET', url: '/api/v1/auth/session' })).json().user;
      const second = await addUser('second.admin@example.com', 'admin');
      const asSecond = await signIn(t.app, second.email);
      // With two admins, one may go; the other is then the last and can neither leave nor step down.
      expect((await patchUser(keyAdmin.id, { role: 'manager' }, asSecond)).statusCode).toBe(200);
      for (const change of [{ role: 'manager' }, { active: false }]) {
        const res = await patchUser(second.id, change, asSecond);
        expect(res.statusCode).toBe(409);
        expect(res.json()).toMatchObject({ code: 'conflict', field: Object.keys(change)[0] === 'role' ? '/role' : '/active' });
      }
      // The demoted admin's key lost users:manage with the role.
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(403);
      expect((await patchUser(keyAdmin.id, { role: 'admin' }, asSecond)).statusCode).toBe(200);
      expect((await patchUser(second.id, { role: 'manager' }, asSecond)).json()).toMatchObject({ role: 'manager' });
    });
  });

  describe('API keys', () => {
    const issue = (payload: object, key?: string) =>
      key
        ? t.app.inject({ method: 'POST', url: '/api/v1/api-keys', payload, headers: { authorization: `Bearer ${key}` } })
        : t.as('admin', { method: 'POST', url: '/api/v1/api-keys', payload });
    const bearer = (key: string, opts: InjectOptions) => t.app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${key}` } });

    it('takes the key under any spelling of the Bearer scheme, which is case-insensitive (RFC 9110)', async () => {
      const created = (await issue({ name: 'lowercase client', permissions: ['orders:view'] })).json();
      for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
        const read = await t.app.inject({ method: 'GET', url: '/api/v1/stages', headers: { authorization: `${scheme} ${created.key}` } });
        expect(read.statusCode, `${scheme}: ${read.body}`).toBe(200);
      }
    });

    it('shows the key once and stores only its hash', async () => {
      const res = await issue({ name: 'warehouse scanner', permissions: ['orders:view'] });
      expect(res.statusCode, res.body).toBe(201);
      const created = res.json();
      expect(created).toEqual({ id: expect.any(Number), name: 'warehouse scanner', key: expect.stringMatching(/^odk_/), prefix: expect.any(String), permissions: ['orders:view'] });
      expect(created.key).toContain(created.prefix);
      const rows = await t.db.selectFrom('api_keys').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(created.key);
      expect(rows.find((r) => r.id === created.id)!.key_hash).toBe(sha256(created.key));
      const list = await t.as('admin', { method: 'GET', url: '/api/v1/api-keys' });
      expect(list.body).not.toContain(created.key);
      expect(list.json().items.find((k: { id: number }) => k.id === created.id)).toEqual({
        id: created.id, name: 'warehouse scanner', prefix: created.prefix, permissions: ['orders:view'], createdAt: expect.any(String),
        lastUsedAt: null, revokedAt: null, owner: { id: expect.any(Number), email: expect.stringContaining('admin'), name: 'Test admin' },
      });
      const outbox = await t.db.selectFrom('outbox').select('payload_json').execute();
      expect(JSON.stringify(outbox)).not.toContain(created.key);
    });

    it('enforces a key\'s scope', async () => {
      const { key } = (await issue({ name: 'viewer', permissions: ['orders:view', 'shipping:view'] })).json();
      const order = (await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput() })).json();
      expect(order.stage).toBe('shipping_department');
      expect((await bearer(key, { method: 'GET', url: `/api/v1/orders/${order.orderId}` })).statusCode).toBe(200);
      const denied = await bearer(key, { method: 'POST', url: '/api/v1/orders', payload: orderInput() });
      expect(denied.json()).toMatchObject({ status: 403, code: 'forbidden' });
      expect((await bearer(key, { method: 'GET', url: '/api/v1/auth/session' })).json()).toMatchObject({ user: { permissions: ['orders:view', 'shipping:view'] }, csrfToken: null });
      // orders:view opens the order pages; each department's view opens the orders in its stages.
      const { key: bare } = (await issue({ name: 'no department', permissions: ['orders:view'] })).json();
      expect((await bearer(bare, { method: 'GET', url: `/api/v1/orders/${order.orderId}` })).json()).toMatchObject({ status: 403, detail: expect.stringContaining('"shipping:view"') });
    });

    it('grants only a subset of the creator\'s own permissions', async () => {
      const { key } = (await issue({ name: 'key minter', permissions: ['api_keys:manage', 'orders:view'] })).json();
      const wider = await issue({ name: 'wider', permissions: ['orders:view', 'orders:create'] }, key);
      expect(wider.json()).toMatchObject({ status: 403, code: 'forbidden', field: '/permissions/1' });
      expect((await issue({ name: 'same' }, key)).json()).toMatchObject({ permissions: ['api_keys:manage', 'orders:view'] });
      expect((await issue({ name: 'bad', permissions: ['orders:fly'] })).json()).toMatchObject({ status: 400, field: '/permissions/0' });
      expect((await t.as('manager', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'nope' } })).statusCode).toBe(403);
    });

    it('revokes a key at once; revoking twice is harmless; an unknown key is 404', async () => {
      const { id, key } = (await issue({ name: 'to revoke', permissions: ['orders:view'] })).json();
      expect((await bearer(key, { method: 'GET', url: '/api/v1/orders/OD-1' })).statusCode).toBe(404);
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/api-keys/${id}` })).statusCode).toBe(204);
      expect((await bearer(key, { method: 'GET', url: '/api/v1/orders/OD-1' })).json()).toMatchObject({ status: 401, code: 'unauthenticated' });
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/api-keys/${id}` })).statusCode).toBe(204);
      expect((await t.as('admin', { method: 'DELETE', url: '/api/v1/api-keys/999999' })).statusCode).toBe(404);
      const listed = (await t.as('admin', { method: 'GET', url: '/api/v1/api-keys' })).json().items.find((k: { id: number }) => k.id === id);
      expect(listed).toMatchObject({ revokedAt: expect.any(String), lastUsedAt: expect.any(String) });
      const topics = (await listEventsFor(t.db, 'api_key', String(id))).map((e) => e.topic);
      expect(topics).toEqual(['api_key.created', 'api_key.revoked']);
    });
  });

  it('documents every route with its responses in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const [path, method, status] of [
      ['/api/v1/auth/login', 'post', '200'], ['/api/v1/auth/session', 'get', '200'], ['/api/v1/auth/logout', 'post', '204'],
      ['/api/v1/users', 'get', '200'], ['/api/v1/users', 'post', '201'], ['/api/v1/users/{id}', 'patch', '200'],
      ['/api/v1/api-keys', 'post', '201'], ['/api/v1/api-keys', 'get', '200'], ['/api/v1/api-keys/{id}', 'delete', '204'],
    ] as const) {
      expect(doc.paths[path]?.[method]?.responses?.[status], `${method} ${path}`).toBeDefined();
      expect(doc.paths[path][method].responses['401']).toBeDefined();
    }
    expect(JSON.stringify(doc)).not.toMatch(/password_hash|key_hash/);
  });
});

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createUser } from '../auth/users.service.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';

const PASSWORD = 'correct horse battery staple';
let n = 0;
const viewName = (label = 'view') => `${label} ${++n}`;

describeEachDatabase('saved views API', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const create = async (payload: Record<string, unknown>, role: 'read_only' | 'admin' = 'read_only') => {
    const res = await t.as(role, { method: 'POST', url: '/api/v1/saved-views', payload: { scope: 'orders', name: viewName(), ...payload } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const list = async (role: 'read_only' | 'admin', scope?: string) => {
    const res = await t.as(role, { method: 'GET', url: `/api/v1/saved-views${scope ? `?scope=${scope}` : ''}` });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: { id: number; name: string; scope: string }[] }).items;
  };

  it('creates, lists, reads, edits and deletes a view', async () => {
    const res = await t.as('read_only', {
      method: 'POST', url: '/api/v1/saved-views',
      payload: { scope: 'fraud-review', name: '  Big EU orders ', query: '?stage=fraud_review&totalMin=50000&country=de', columns: ['orderId', 'total', 'shipping_country'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json();
    expect(res.headers.location).toBe(`/api/v1/saved-views/${view.id}`);
    expect(res.headers.etag).toBe('"v1"');
    expect(view).toEqual({
      id: expect.any(Number), scope: 'fraud-review', name: 'Big EU orders', query: 'stage=fraud_review&totalMin=50000&country=de',
      columns: ['orderId', 'total', 'shipping_country'], version: 1, createdAt: expect.any(String), updatedAt: view.createdAt,
    });
    const minimal = await create({ scope: 'review', name: 'Everything' });
    expect(minimal).toMatchObject({ query: '', columns: [] });

    expect(await list('read_only', 'fraud-review')).toEqual([view]);
    expect((await list('read_only')).map((v) => v.name)).toEqual(['Big EU orders', 'Everything']); // by scope, then name
    const got = await t.as('read_only', { method: 'GET', url: `/api/v1/saved-views/${view.id}` });
    expect(got.headers.etag).toBe('"v1"');
    expect(got.json()).toEqual(view);

    const url = `/api/v1/saved-views/${view.id}`;
    const renamed = await t.as('read_only', { method: 'PATCH', url, headers: { 'if-match': '"v1"' }, payload: { name: 'Large EU orders', columns: ['orderId'] } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.headers.etag).toBe('"v2"');
    expect(renamed.json()).toMatchObject({ name: 'Large EU orders', query: view.query, columns: ['orderId'], version: 2 });
    const requery = await t.as('read_only', { method: 'PATCH', url, payload: { query: 'stage=hold', version: 2 } });
    expect(requery.json()).toMatchObject({ name: 'Large EU orders', query: 'stage=hold', version: 3 });
    const unchanged = await t.as('read_only', { method: 'PATCH', url, payload: { query: 'stage=hold', version: 3 } });
    expect(unchanged.json()).toMatchObject({ version: 3 });

    expect((await t.as('read_only', { method: 'DELETE', url })).statusCode).toBe(204);
    expect((await t.as('read_only', { method: 'GET', url })).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await t.as('read_only', { method: 'DELETE', url })).statusCode).toBe(404);
  });

  it('keeps each user to their own views: another user gets 404 and changes nothing', async () => {
    const mine = await create({ name: 'Mine only', query: 'tag=vip' });
    const url = `/api/v1/saved-views/${mine.id}`;
    expect((await list('admin')).map((v) => v.id)).not.toContain(mine.id);
    expect((await t.as('admin', { method: 'GET', url })).statusCode).toBe(404);
    expect((await t.as('admin', { method: 'PATCH', url, headers: { 'if-match': '"v1"' }, payload: { name: 'Taken over' } })).statusCode).toBe(404);
    expect((await t.as('admin', { method: 'DELETE', url })).statusCode).toBe(404);
    expect((await t.as('read_only', { method: 'GET', url })).json()).toMatchObject({ name: 'Mine only', version: 1 });
    // The same name is free for another user.
    expect((await create({ name: 'Mine only' }, 'admin')).name).toBe('Mine only');
  });

  it('shares views between the sessions and API keys of one user, and only theirs', async () => {
    const email = `views.${process.pid}.${Date.now().toString(36)}@example.com`;
    const userId = await createUser(t.db, { email, name: 'Viewer', role: 'fulfilment', password: PASSWORD });
    const { key } = await createApiKey(t.db, { userId, name: 'scripts' });
    const byKey = (opts: InjectOptions) => t.app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${key}` } });
    const made = await byKey({ method: 'POST', url: '/api/v1/saved-views', payload: { scope: 'shipping', name: 'Rush', query: 'tag=rush' } });
    expect(made.statusCode, made.body).toBe(201);

    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const cookies = { orderdeck_session: login.cookies.find((c) => c.name === 'orderdeck_session')!.value };
    const seen = await t.app.inject({ method: 'GET', url: '/api/v1/saved-views', cookies });
    expect(seen.json().items).toEqual([made.json()]);
    const csrf = { 'x-csrf-token': login.json().csrfToken as string };
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/saved-views/${made.json().id}`, cookies, headers: csrf });
    expect(del.statusCode, del.body).toBe(204);
    expect((await byKey({ method: 'GET', url: '/api/v1/saved-views' })).json().items).toEqual([]);
  });

  it('refuses a duplicate name in the same scope with 409 duplicate naming /name, on create and on rename', async () => {
    const first = await create({ name: 'Unpaid' });
    const dup = await t.as('read_only', { method: 'POST', url: '/api/v1/saved-views', payload: { scope: 'orders', name: ' Unpaid' } });
    expect(dup.json()).toMatchObject({ status: 409, code: 'duplicate', field: '/name' });
    expect((await create({ scope: 'review', name: 'Unpaid' })).scope).toBe('review');
    const other = await create({ name: 'Paid' });
    const clash = await t.as('read_only', { method: 'PATCH', url: `/api/v1/saved-views/${other.id}`, headers: { 'if-match': '"v1"' }, payload: { name: first.name } });
    expect(clash.json()).toMatchObject({ status: 409, code: 'duplicate', field: '/name' });
    expect((await t.as('read_only', { method: 'GET', url: `/api/v1/saved-views/${other.id}` })).json()).toMatchObject({ name: 'Paid', version: 1 });
  });

  it('needs the version it read: 428 without, 412/409 when stale, and a stale write changes nothing', async () => {
    const view = await create({ name: 'Versioned' });
    const url = `/api/v1/saved-views/${view.id}`;
    expect((await t.as('read_only', { method: 'PATCH', url, payload: { name: 'No version' } })).json()).toMatchObject({ status: 428, code: 'precondition_required' });
    expect((await t.as('read_only', { method: 'PATCH', url, headers: { 'if-match': '"v1"' }, payload: { query: 'stage=hold' } })).statusCode).toBe(200);
    const stale = await t.as('read_only', { method: 'PATCH', url, headers: { 'if-match': '"v1"' }, payload: { name: 'Lost' } });
    expect(stale.json()).toMatchObject({ status: 412, code: 'precondition_failed', field: 'If-Match' });
    expect((await t.as('read_only', { method: 'PATCH', url, payload: { name: 'Lost', version: 1 } })).json()).toMatchObject({ status: 409, code: 'version_conflict' });
    expect((await t.as('read_only', { method: 'DELETE', url, headers: { 'if-match': '"v1"' } })).statusCode).toBe(412);
    expect((await t.as('read_only', { method: 'GET', url })).json()).toMatchObject({ name: 'Versioned', query: 'stage=hold', version: 2 });
  });

  describe('bad input is a 400 naming the field', () => {
    it.each([
      ['empty name', { name: '' }, '/name'],
      ['blank name', { name: '   ' }, '/name'],
      ['name of 81 characters', { name: 'x'.repeat(81) }, '/name'],
      ['query over 2000 characters', { query: `q=${'a'.repeat(1999)}` }, '/query'],
      ['41 columns', { columns: Array.from({ length: 41 }, (_, i) => `c${i}`) }, '/columns'],
      ['column key with a dash', { columns: ['orderId', 'ship-to'] }, '/columns/1'],
      ['column key starting with a digit', { columns: ['1st'] }, '/columns/0'],
      ['column key of 42 characters', { columns: [`a${'b'.repeat(41)}`] }, '/columns/0'],
      ['the same column twice', { columns: ['total', 'total'] }, '/columns'],
      ['scope with capitals', { scope: 'Orders' }, '/scope'],
      ['missing scope', { scope: undefined }, '/scope'],
      ['unknown field', { owner: 1 }, '/owner'],
    ])('%s', async (_label, overrides, field) => {
      const payload = { scope: 'orders', name: viewName(), ...overrides };
      const res = await t.as('read_only', { method: 'POST', url: '/api/v1/saved-views', payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', field });
    });

    it('on edit too, and for a bad id or scope filter', async () => {
      const view = await create({});
      const url = `/api/v1/saved-views/${view.id}`;
      expect((await t.as('read_only', { method: 'PATCH', url, payload: { name: ' ', version: 1 } })).json()).toMatchObject({ status: 400, field: '/name' });
      expect((await t.as('read_only', { method: 'PATCH', url, payload: { scope: 'review', version: 1 } })).json()).toMatchObject({ status: 400, field: '/scope' });
      expect((await t.as('read_only', { method: 'GET', url: '/api/v1/saved-views/abc' })).json()).toMatchObject({ status: 400, field: 'params:/id' });
      expect((await t.as('read_only', { method: 'GET', url: '/api/v1/saved-views?scope=A%20B' })).json()).toMatchObject({ status: 400, field: 'querystring:/scope' });
    });

    it('refuses a query parameter no endpoint takes, naming it, on every saved-views endpoint', async () => {
      const view = await create({});
      const url = `/api/v1/saved-views/${view.id}`;
      for (const request of [
        { method: 'GET', url: '/api/v1/saved-views?scope=orders&sort=name' },
        { method: 'GET', url: `${url}?sort=name` },
        { method: 'POST', url: '/api/v1/saved-views?sort=name', payload: { scope: 'orders', name: viewName() } },
        { method: 'PATCH', url: `${url}?sort=name`, payload: { name: viewName(), version: view.version } },
        { method: 'DELETE', url: `${url}?sort=name` },
      ] as InjectOptions[]) {
        const res = await t.as('read_only', request);
        expect(res.statusCode, `${request.method} ${request.url}: ${res.body}`).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ code: 'validation_failed', field: 'querystring:/sort', detail: '/sort is not a known field' });
      }
      // Nothing was changed by the refused writes.
      expect((await t.as('read_only', { method: 'GET', url })).json()).toMatchObject({ name: view.name, version: view.version });
    });
  });

  it('needs a signed-in caller with orders:view', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/saved-views' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/saved-views', payload: { scope: 'orders', name: 'x' } })).statusCode).toBe(401);
    const owner = await t.db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow();
    const { key } = await createApiKey(t.db, { userId: owner.id, name: 'catalog only', permissions: ['catalog:view'] });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/saved-views', headers: { authorization: `Bearer ${key}` } });
    expect(res.json()).toMatchObject({ status: 403, code: 'forbidden' });
  });
});

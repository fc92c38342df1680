import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';

describeEachDatabase('idempotency and concurrent writers', (getDb) => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
    key = await t.keyFor('admin');
  });
  afterAll(async () => t.close());

  const orderCount = async (email: string) =>
    Number((await t.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_email', '=', email).executeTakeFirstOrThrow()).n);
  const post = (payload: object, idempotencyKey?: string) => t.app.inject({
    method: 'POST', url: '/api/v1/orders', payload,
    headers: { authorization: `Bearer ${key}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
  });

  it('returns the first response to a retried create and creates one order', async () => {
    const input = orderInput();
    const first = await post(input, 'retry-1');
    const second = await post(input, 'retry-1');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await orderCount(input.customer.email)).toBe(1);
  });

  it('refuses the same key with a different body with 422', async () => {
    await post(orderInput(), 'reuse-1');
    const res = await post(orderInput(), 'reuse-1');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
  });

  it('creates exactly one order when the same request races itself', async () => {
    const input = orderInput();
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(input, 'race-1')));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => r.json().orderId)).size).toBe(1);
    expect(await orderCount(input.customer.email)).toBe(1);
  });

  it('places every order sent together with a failing one, and the failing one leaves nothing behind', async () => {
    // Orders arriving together share a transaction (SQLite group commit, PostgreSQL shared transactions).
    // The bad one fails after its customer row was written: only its own writes may go.
    const good = Array.from({ length: 11 }, () => orderInput());
    const bad = { ...orderInput(), expectedTotal: 1 };
    const responses = await Promise.all([...good.slice(0, 5), bad, ...good.slice(5)].map((input) => post(input)));
    expect(responses[5]!.statusCode).toBe(422);
    expect(responses[5]!.json()).toMatchObject({ code: 'totals_mismatch' });
    const placed = responses.filter((_, i) => i !== 5);
    expect(placed.map((r) => r.statusCode)).toEqual(Array(11).fill(201));
    expect(new Set(placed.map((r) => r.json().orderId)).size).toBe(11);
    for (const input of good) expect(await orderCount(input.customer.email)).toBe(1);
    expect(await orderCount(bad.customer.email)).toBe(0);
    const customer = (email: string) => t.db.selectFrom('customers').select('id').where('email', '=', email.toLowerCase()).executeTakeFirst();
    expect(await customer(good[0]!.customer.email)).toBeDefined();
    expect(await customer(bad.customer.email)).toBeUndefined();
  });

  it('does not store a failed attempt, so a corrected retry with the same key works', async () => {
    const bad = await post({ ...orderInput(), currency: 'ZZZ' }, 'fix-1');
    expect(bad.statusCode).toBe(400);
    const good = await post(orderInput(), 'fix-1');
    expect(good.statusCode).toBe(201);
  });

  it('keeps keys per caller: another API key may use the same key value', async () => {
    const other = await t.keyFor('manager');
    await post(orderInput(), 'shared-key');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/orders', payload: orderInput(), headers: { authorization: `Bearer ${other}`, 'idempotency-key': 'shared-key' } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('lets exactly one of many concurrent stale edits win; the rest get 412 and nothing is lost', async () => {
    const order = (await post(orderInput())).json();
    const attempts = Array.from({ length: 12 }, (_, i) => t.app.inject({
      method: 'PATCH', url: `/api/v1/orders/${order.orderId}`, payload: { customFields: { custom2: `writer ${i}` } },
      headers: { authorization: `Bearer ${key}`, 'if-match': '"v1"' },
    }));
    const results = await Promise.all(attempts);
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 412)).toHaveLength(11);
    const winner = results.find((r) => r.statusCode === 200)!.json();
    const now = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.orderId}`, headers: { authorization: `Bearer ${key}` } })).json();
    expect(now.customFields).toEqual(winner.customFields);
    expect(now.version).toBe(2);
    expect(now.history.filter((h: { kind: string }) => h.kind === 'updated')).toHaveLength(1);
  });

  it('serialises concurrent stage moves: one succeeds, the others see the new stage and are refused', async () => {
    const order = (await post(orderInput())).json();
    const results = await Promise.all(['completed_order', 'hold', 'rejected', 'completed_order'].map((stage) => t.app.inject({
      method: 'POST', url: `/api/v1/orders/${order.orderId}/stage`, payload: { stage, reason: 'race', version: 1 },
      headers: { authorization: `Bearer ${key}` },
    })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.statusCode !== 200)) expect(r.statusCode).toBe(409);
    const now = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.orderId}`, headers: { authorization: `Bearer ${key}` } })).json();
    expect(now.history.filter((h: { kind: string }) => h.kind === 'stage')).toHaveLength(1);
  });

  it('keeps both tags when two people tag the same order at once', async () => {
    const order = (await post(orderInput())).json();
    await Promise.all(['alpha', 'beta', 'gamma'].map((tag) => t.app.inject({
      method: 'POST', url: `/api/v1/orders/${order.orderId}/tags`, payload: { tags: [tag] }, headers: { authorization: `Bearer ${key}` },
    })));
    const now = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.orderId}`, headers: { authorization: `Bearer ${key}` } })).json();
    expect([...now.tags].sort()).toEqual(['alpha', 'beta', 'gamma']);
  });
});

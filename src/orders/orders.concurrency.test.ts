import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../outbox/outbox.repository.js';
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

  describe('on stage moves and rejects', () => {
    type Kind = 'stage' | 'reject';
    const act = (orderId: string, kind: Kind, payload: object, idempotencyKey?: string) => t.app.inject({
      method: 'POST', url: `/api/v1/orders/${orderId}/${kind}`, payload,
      headers: { authorization: `Bearer ${key}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    });
    const read = async (orderId: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${orderId}`, headers: { authorization: `Bearer ${key}` } })).json();
    const stageRows = async (orderId: string) => (await read(orderId)).history.filter((h: { kind: string }) => h.kind === 'stage');
    const stageEvents = async (orderId: string) => (await listEventsFor(t.db, 'order', orderId)).filter((e) => e.topic === 'order.stage_changed');
    /** A paid, shippable order: it starts in the Shipping Department, from where both completing and rejecting are allowed once. */
    const freshOrder = async () => {
      const res = await post(orderInput());
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { orderId: string; stage: string };
    };
    const cases: [Kind, object, object, string][] = [
      ['stage', { stage: 'completed_order', reason: 'delivered' }, { stage: 'completed_order', reason: 'delivered by hand' }, 'completed_order'],
      ['reject', { reason: 'customer cancelled', keepPayment: true }, { reason: 'duplicate order', keepPayment: true }, 'rejected'],
    ];

    it.each(cases)('%s: a retry with the same key and body replays the first answer and moves the order once', async (kind, body, _other, stage) => {
      const order = await freshOrder();
      const idem = `${kind}-retry-${order.orderId}`;
      const first = await act(order.orderId, kind, body, idem);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(first.json()).toMatchObject({ stage, version: 2 });
      // Without the key the same request would now be refused (the order is no longer where it was): the replay proves the key worked.
      const second = await act(order.orderId, kind, body, idem);
      expect(second.statusCode, second.body).toBe(200);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.json()).toEqual(first.json());
      expect(second.headers.etag).toBe(first.headers.etag);
      expect((await act(order.orderId, kind, body)).statusCode).toBe(409);
      const now = await read(order.orderId);
      expect(now).toMatchObject({ stage, version: 2 });
      expect(await stageRows(order.orderId)).toHaveLength(1);
      expect(await stageEvents(order.orderId)).toHaveLength(1);
    });

    it.each(cases)('%s: the same key with a different body is refused with 422 and changes nothing', async (kind, body, other, stage) => {
      const order = await freshOrder();
      const idem = `${kind}-reuse-${order.orderId}`;
      const first = await act(order.orderId, kind, body, idem);
      expect(first.statusCode, first.body).toBe(200);
      const before = await read(order.orderId);
      const reused = await act(order.orderId, kind, other, idem);
      expect(reused.statusCode, reused.body).toBe(422);
      expect(reused.headers['content-type']).toContain('application/problem+json');
      expect(reused.headers['idempotent-replayed']).toBeUndefined();
      expect(reused.json()).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key', status: 422 });
      expect(await read(order.orderId)).toEqual(before);
      expect(before).toMatchObject({ stage, version: 2 });
      expect(await stageRows(order.orderId)).toHaveLength(1);
      expect(await stageEvents(order.orderId)).toHaveLength(1);
    });

    it('refuses a key used for a stage move when it comes back on the reject endpoint of the same order', async () => {
      const order = await freshOrder();
      expect((await act(order.orderId, 'stage', { stage: 'hold', reason: 'check address' }, 'cross-1')).statusCode).toBe(200);
      const res = await act(order.orderId, 'reject', { reason: 'check address' }, 'cross-1');
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'idempotency_key_reused' });
      expect(await read(order.orderId)).toMatchObject({ stage: 'hold', version: 2 });
    });

    it('does not store a refused move, so the key can be used again for a corrected one', async () => {
      const order = await freshOrder();
      const refused = await act(order.orderId, 'stage', { stage: 'quote_sent', reason: 'wrong' }, 'fix-stage-1');
      expect(refused.statusCode).toBe(409);
      const ok = await act(order.orderId, 'stage', { stage: 'completed_order', reason: 'right' }, 'fix-stage-1');
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.headers['idempotent-replayed']).toBeUndefined();
      expect(ok.json().stage).toBe('completed_order');
    });

    // Each loser runs the move again after the winner (under the order's lock, or later in the same SQLite
    // write batch), finds the order moved and fails; it must answer with the winner's response instead.
    it.each(cases)('%s: the same request racing itself gets the first answer every time and moves the order once', async (kind, body, _other, stage) => {
      const order = await freshOrder();
      const idem = `${kind}-race-${order.orderId}`;
      const responses = await Promise.all(Array.from({ length: 6 }, () => act(order.orderId, kind, body, idem)));
      expect(await stageRows(order.orderId)).toHaveLength(1);
      expect(responses.map((r) => r.statusCode), responses.map((r) => r.body.slice(0, 200)).join('\n')).toEqual(Array(6).fill(200));
      for (const r of responses) expect(r.json()).toMatchObject({ stage, version: 2 });
    });
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

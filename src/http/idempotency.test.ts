import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import { canonicalJson } from './idempotency.js';

/** The same value with every object's keys in reverse order: equal as data, different as JSON text. */
const reordered = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]));
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson(reordered({ b: 1, a: { d: [3, { y: 1, x: 2 }] } }))).toBe(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }] } }));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });
});

describeEachDatabase('idempotency keys and body key order', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const post = (payload: string, key: string) => t.as('admin', {
    method: 'POST', url: '/api/v1/orders', payload, headers: { 'content-type': 'application/json', 'idempotency-key': key },
  });
  const ordersOf = async (email: string) => Number((await t.db.selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n')).where('customer_email', '=', email).executeTakeFirstOrThrow()).n);

  it('replays a retry whose body has its keys in another order, and still refuses a different body', async () => {
    const input = orderInput();
    const text = JSON.stringify(input);
    const shuffled = JSON.stringify(reordered(input));
    expect(shuffled).not.toBe(text);

    const first = await post(text, 'order-key-1');
    expect(first.statusCode, first.body).toBe(201);
    const retry = await post(shuffled, 'order-key-1');
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().orderId).toBe(first.json().orderId);
    expect(await ordersOf(input.customer.email)).toBe(1);

    const different = await post(JSON.stringify({ ...input, shippingCost: input.shippingCost! + 1 }), 'order-key-1');
    expect(different.statusCode).toBe(422);
    expect(different.json()).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
  });

  it('still replays a key stored before bodies were hashed in canonical form', async () => {
    const input = orderInput();
    const first = await post(JSON.stringify(input), 'order-key-2');
    expect(first.statusCode, first.body).toBe(201);
    // What the hash was before: the body as parsed, serialised in its own key order.
    const legacy = createHash('sha256').update(`POST /api/v1/orders\n${JSON.stringify(input)}`).digest('hex');
    await t.db.updateTable('idempotency_keys').set({ request_hash: legacy }).where('key', '=', 'order-key-2').execute();

    const retry = await post(JSON.stringify(input), 'order-key-2');
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await post(JSON.stringify({ ...input, channel: 'phone' }), 'order-key-2')).statusCode).toBe(422);
  });
});

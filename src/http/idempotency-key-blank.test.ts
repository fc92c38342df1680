import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';

/**
 * A client that means to send a key but sends an empty one (an unset variable in a template) would get
 * no protection at all: its retry would place the order twice. It is refused like a too-long key.
 */
describeEachDatabase('a blank Idempotency-Key', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const ordersOf = async (email: string) => Number((await t.db.selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n')).where('customer_email', '=', email).executeTakeFirstOrThrow()).n);

  it.each([['empty', ''], ['spaces', '   '], ['a tab', '\t']])('is refused (%s), naming the header, and places nothing', async (_name, key) => {
    const input = orderInput();
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input, headers: { 'idempotency-key': key } });
    expect(res.json(), res.body).toMatchObject({ status: 400, code: 'validation_failed', field: 'Idempotency-Key' });
    expect(await ordersOf(input.customer.email)).toBe(0);
  });

  it('is refused over a real socket too, where an empty header arrives as ""', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const input = orderInput();
    const res = await fetch(`${address}/api/v1/orders`, {
      method: 'POST', body: JSON.stringify(input),
      headers: { 'content-type': 'application/json', 'idempotency-key': '', authorization: `Bearer ${await t.keyFor('admin')}` },
    });
    expect(await res.json()).toMatchObject({ status: 400, field: 'Idempotency-Key' });
    expect(await ordersOf(input.customer.email)).toBe(0);
  });

  it('still works with a key, and without one', async () => {
    const input = orderInput();
    const keyed = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input, headers: { 'idempotency-key': ' k-1 ' } });
    expect(keyed.statusCode, keyed.body).toBe(201);
    // The whitespace around a header value is not part of it (HTTP drops it): the same key.
    const retry = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input, headers: { 'idempotency-key': 'k-1' } });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().orderId).toBe(keyed.json().orderId);
    expect((await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput() })).statusCode).toBe(201);
  });
});

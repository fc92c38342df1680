import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';
import { retrySelection } from './retry-payment.js';

/** The selection retry (POST /payments/retry) keyed like the single retry: one charge per order per key. */
describeEachDatabase('A/R selection retry with an Idempotency-Key', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let ip = 0;
  const declinedOrder = async () => {
    const input = orderInput({ payment: (await env.card('declined: insufficient funds')) as never });
    // An address of its own per order, so the fraud rules' IP velocity never holds these orders for review.
    input.customer = { ...input.customer, ip: `203.0.${Math.floor(++ip / 250)}.${ip % 250}` };
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().stage).toBe('accounts_receivable');
    return res.json<{ orderId: string }>().orderId;
  };
  const retrySales = (orderId: string) => env.sandbox.log().filter((e) => e.operation === 'sale' && e.idempotencyKey?.startsWith(`ar:${orderId}:`));

  it('a retry with the same key gets the first answer and charges nobody again; another selection under the key is 422', async () => {
    const orders = [await declinedOrder(), await declinedOrder()];
    const headers = { 'idempotency-key': `bulk-${orders[0]}` };
    const send = (orderIds: string[]) => env.t.as('accounting', { method: 'POST', url: '/api/v1/payments/retry', payload: { orderIds }, headers });

    const first = await send(orders);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ counts: { declined: 2 } });
    const again = await send(orders);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    for (const orderId of orders) expect(retrySales(orderId)).toHaveLength(1);

    const other = await send([orders[1]!]);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ field: 'Idempotency-Key' });
    expect(retrySales(orders[1]!)).toHaveLength(1);
    // Without a key every request is a new retry, as before.
    const plain = await env.t.as('accounting', { method: 'POST', url: '/api/v1/payments/retry', payload: { orderIds: [orders[0]] } });
    expect(plain.json()).toMatchObject({ counts: { declined: 1 } });
    expect(retrySales(orders[0]!)).toHaveLength(2);
  });

  it('a request whose first attempt never answered runs its batch again: sales already written are answered, not charged again', async () => {
    const done = await declinedOrder();
    const notYet = await declinedOrder();
    const opts = { actor: 'user:test Test', batch: 'resumed-batch' };
    // The first attempt got as far as one order before it died.
    const [early] = await retrySelection(get().db, env.payments, [done], opts);
    expect(early).toMatchObject({ orderId: done, result: 'declined' });
    const results = await retrySelection(get().db, env.payments, [done, notYet], opts);
    expect(results).toEqual([
      expect.objectContaining({ orderId: done, result: 'declined', code: 'insufficient_funds' }),
      expect.objectContaining({ orderId: notYet, result: 'declined', code: 'insufficient_funds' }),
    ]);
    expect(retrySales(done)).toHaveLength(1);
    expect(retrySales(notYet)).toHaveLength(1);
  });
});

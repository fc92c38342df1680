import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';

/** orderInput: 2 × 19.99 + 4.00 tax + 5.00 shipping = 48.98, charged at intake. */
const TOTAL = 4898;

describeEachDatabase('a refund\'s Idempotency-Key works as order creation\'s', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let placed = 0;
  const place = async () => {
    placed += 1;
    const input = orderInput({ payment: (await env.card()) as never });
    input.customer = { ...input.customer, ip: `203.0.113.${placed}` };
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().payment.status).toBe('processed');
    return res.json<{ orderId: string }>();
  };
  const refund = (orderId: string, quantity: number, key: string) => env.t.as('admin', {
    method: 'POST', url: `/api/v1/orders/${orderId}/refunds`, headers: { 'idempotency-key': key },
    payload: { items: [{ lineNo: 1, quantity }], reason: 'goodwill', method: 'gateway' },
  });
  const refunded = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}/payments` })).json().refunded as number;

  it('refuses the same key with a different body (422 naming the header) and refunds nothing more', async () => {
    const order = await place();
    const first = await refund(order.orderId, 1, 'r1');
    expect(first.statusCode, first.body).toBe(200);
    const other = await refund(order.orderId, 2, 'r1');
    expect(other.statusCode, other.body).toBe(422);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
    expect(await refunded(order.orderId)).toBe(first.json().refund.total);
  });

  it('answers a retry with the first response as sent, even after the order changed', async () => {
    const order = await place();
    const first = await refund(order.orderId, 1, 'r2');
    expect(first.statusCode, first.body).toBe(200);
    // Another refund moves the figures the first answer showed (refundable, refunded).
    expect((await refund(order.orderId, 1, 'r3')).statusCode).toBe(200);
    const retry = await refund(order.orderId, 1, 'r2');
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await refunded(order.orderId)).toBe(2 * first.json().refund.total);
  });

  it('a retry whose first attempt committed but never answered finishes that refund, not a second one', async () => {
    const order = await place();
    const first = await refund(order.orderId, 1, 'r4');
    expect(first.statusCode, first.body).toBe(200);
    // As if the first attempt died after its commit: its key holds only the reference, not the response.
    await get().db.updateTable('idempotency_keys').set({ response_json: JSON.stringify({ orderId: order.orderId }) }).where('key', '=', 'r4').execute();
    const retry = await refund(order.orderId, 1, 'r4');
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json().refund).toMatchObject({ id: first.json().refund.id, total: first.json().refund.total, replayed: true });
    expect(retry.json().payments.refunded).toBe(first.json().refund.total);
    expect((await refund(order.orderId, 2, 'r4')).statusCode).toBe(422);
    expect(TOTAL - (await refunded(order.orderId))).toBe(TOTAL - first.json().refund.total);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';

/**
 * An order refunded, then rejected, is a sale undone: it is not reopened into a stage that collects,
 * reviews or ships it (where it would sit unable to be paid, or ship against a refunded payment).
 */
describeEachDatabase('a refunded, rejected order', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let placed = 0;
  const refundedAndRejected = async (amount?: number) => {
    placed += 1;
    const customer = { email: `again-${placed}-${Math.random().toString(36).slice(2, 8)}@example.com`, ip: `192.0.2.${placed + 20}` };
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ customer, payment: (await env.card()) as never }) });
    expect(res.statusCode, res.body).toBe(201);
    const { orderId, summary: { total } } = res.json<{ orderId: string; summary: { total: number } }>();
    const refunded = await env.t.as('admin', {
      method: 'POST', url: `/api/v1/orders/${orderId}/refunds`, payload: { reason: 'damaged in transit', method: 'gateway', amount: amount ?? total, rejectAfter: true },
    });
    expect(refunded.statusCode, refunded.body).toBe(200);
    expect(refunded.json().refund.rejected).toBe(true);
    return { orderId, total };
  };
  const order = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();

  it.each([['in full', undefined], ['in part', 500]] as const)('refunded %s is not reopened, only held, and the refusal says why', async (_, amount) => {
    const { orderId } = await refundedAndRejected(amount);
    const before = await order(orderId);
    expect(before).toMatchObject({ stage: 'rejected', allowedMoves: ['hold'] });
    for (const stage of ['accounts_receivable', 'fraud_review']) {
      const moved = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${orderId}/stage`, payload: { stage, reason: 'customer wants it after all' } });
      expect(moved.statusCode, moved.body).toBe(409);
      expect(moved.json()).toMatchObject({ field: '/stage', detail: expect.stringMatching(/refunded order is not reopened; place a new order/), allowed: ['hold'] });
    }
    expect(await order(orderId)).toMatchObject({ stage: 'rejected', version: before.version });
  });
});

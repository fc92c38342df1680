import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv, waitFor } from '../../test-support/payments.js';
import { findOrderByNumber } from '../../orders/orders.repository.js';
import { insertLedgerRow } from './ledger.repository.js';

/** What the ledger view says may still be refunded, after chargebacks and while a refund is in flight. */
describeEachDatabase('refundable money on the ledger view', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let placed = 0;
  const place = async () => {
    placed += 1; // a customer and IP of its own, so the velocity rules never hold these orders for review
    const customer = { email: `chargeback-${placed}-${Math.random().toString(36).slice(2, 8)}@example.com`, ip: `198.51.100.${placed + 100}` };
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ customer, payment: (await env.card()) as never }) });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order.payment.status).toBe('processed');
    return { orderId: order.orderId as string, total: order.summary.total as number };
  };
  const ledger = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}/payments` })).json();
  const refund = (orderId: string, payload: object) => env.t.as('admin', {
    method: 'POST', url: `/api/v1/orders/${orderId}/refunds`, payload: { reason: 'damaged in transit', method: 'gateway', ...payload },
  });
  const liftBlock = async (orderId: string) => {
    const res = await env.t.as('admin', { method: 'PUT', url: `/api/v1/orders/${orderId}/refund-block`, payload: { blocked: false, reason: 'dispute closed' } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const chargeBack = async (orderId: string, amount?: number) => {
    const sale = (await ledger(orderId)).entries[0];
    expect(env.sandbox.chargeback(sale.gatewayReference, { reason: '10.4 fraud', ...(amount ? { amount } : {}) }).status).toBe(200);
    await waitFor(async () => (await ledger(orderId)).entries.some((e: { kind: string }) => e.kind === 'chargeback'));
  };

  it('a full chargeback is money returned: nothing is refundable once the block is lifted, and the order says refunded', async () => {
    const { orderId, total } = await place();
    await chargeBack(orderId);
    const view = await liftBlock(orderId);
    expect(view).toMatchObject({ status: 'refunded', paid: total, refunded: total, refundable: 0, refundBlocked: false });
    // The stored figures are the ledger's: lists filter on them.
    const stored = await findOrderByNumber(get().db, orderId);
    expect(stored).toMatchObject({ payment_status: 'refunded' });
    expect(Number(stored!.refunded_total)).toBe(total);
    const external = await refund(orderId, { amount: total, method: 'external', externalReference: 'paid back by bank transfer' });
    expect(external.statusCode, external.body).toBe(400);
    expect((await refund(orderId, { amount: 1 })).statusCode).toBe(400);
  });

  it('a partial chargeback leaves the rest refundable, through the gateway, and no more', async () => {
    const { orderId, total } = await place();
    await chargeBack(orderId, 500);
    const view = await liftBlock(orderId);
    expect(view).toMatchObject({ status: 'partially_refunded', refunded: 500, refundable: total - 500 });
    expect((await refund(orderId, { amount: total - 499, method: 'external', externalReference: 'x-1' })).statusCode).toBe(400);
    const rest = await refund(orderId, { amount: total - 500 });
    expect(rest.statusCode, rest.body).toBe(200);
    expect(rest.json().refund.entries[0]).toMatchObject({ status: 'approved', amount: total - 500 });
    expect(rest.json().payments).toMatchObject({ status: 'refunded', refunded: total, refundable: 0 });
  });

  it('a refund still waiting for the gateway is not offered again', async () => {
    const { orderId, total } = await place();
    const stored = (await findOrderByNumber(get().db, orderId))!;
    const sale = (await ledger(orderId)).entries[0];
    // A refund whose answer was lost: `unknown` until recovery asks the gateway again.
    await insertLedgerRow(get().db, {
      order_id: stored.id, kind: 'refund', amount: 1000, currency: 'USD', gateway: 'sandbox', idempotency_key: `refund:${orderId}:lost:0`,
      parent_id: sale.id, status: 'unknown', actor: 'test', created_at: Date.now(), next_attempt_at: Date.now() + 3_600_000,
      details_json: JSON.stringify({ refundId: 'lost', items: [], shipping: 0, shippingTax: 0, tax: 0, total: 1000, custom: true, share: 1000 }),
    });
    expect(await ledger(orderId)).toMatchObject({ status: 'processed', refunded: 0, refundable: total - 1000 });
    expect((await refund(orderId, { amount: 100 })).statusCode).toBe(409);
  });

  it('the refund preview, like the ledger view, does not offer again what a refund in flight is returning', async () => {
    const { orderId, total } = await place();
    const stored = (await findOrderByNumber(get().db, orderId))!;
    const sale = (await ledger(orderId)).entries[0];
    await insertLedgerRow(get().db, {
      order_id: stored.id, kind: 'refund', amount: 1000, currency: 'USD', gateway: 'sandbox', idempotency_key: `refund:${orderId}:waiting:0`,
      parent_id: sale.id, status: 'started', actor: 'test', created_at: Date.now(), next_attempt_at: Date.now() + 3_600_000,
      details_json: JSON.stringify({ refundId: 'waiting', items: [], shipping: 0, shippingTax: 0, tax: 0, total: 1000, custom: true, share: 1000 }),
    });
    const preview = (payload: object) => env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${orderId}/refunds/preview`, payload });
    const rest = await preview({ amount: total - 1000 });
    expect(rest.statusCode, rest.body).toBe(200);
    expect(rest.json()).toMatchObject({ total: total - 1000, refundable: total - 1000 });
    const twice = await preview({ amount: total - 999 });
    expect(twice.statusCode, twice.body).toBe(400);
    expect(twice.json()).toMatchObject({ field: '/amount', detail: expect.stringMatching(/may still be refunded/) });
    // The refund itself waits for the one in flight, whatever its amount.
    expect((await refund(orderId, { amount: 1 })).statusCode).toBe(409);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv, waitFor } from '../../test-support/payments.js';
import { insertLedgerRow } from '../ledger/ledger.repository.js';
import { transact } from '../../db/transact.js';
import { syncOrderPayment } from '../charge/sync-order-payment.js';
import { findOrderByNumber } from '../../orders/orders.repository.js';


/** Line 1: 3 × 1000 − 100 discount + 300 tax = 3200; line 2: 2500 + 250 tax = 2750; shipping 600 + 60 tax. Total 6610. */
const ITEMS = [
  { sku: 'MUG-1', description: 'Mug', quantity: 3, unitPrice: 1000, discount: 100, tax: 300 },
  { sku: 'LAMP-1', description: 'Lamp', quantity: 1, unitPrice: 2500, tax: 250 },
];
const TOTAL = 6610;

describeEachDatabase('refunds through the sandbox gateway', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let placed = 0;
  const place = async (payment?: object) => {
    placed += 1; // a customer and IP of its own: the fraud rules' velocity checks would hold a run of orders from one
    const customer = { email: `refund-buyer-${placed}-${Math.random().toString(36).slice(2, 8)}@example.com`, ip: `198.51.100.${placed}` };
    const res = await env.t.as('admin', {
      method: 'POST', url: '/api/v1/orders', payload: orderInput({ customer, items: ITEMS, shippingCost: 600, shippingTax: 60, payment: (payment ?? (await env.card())) as never }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order.summary.total).toBe(TOTAL);
    if (!payment) expect(order.payment.status, JSON.stringify(order.history)).toBe('processed');
    return order;
  };
  const refund = (orderId: string, payload: object, role: 'admin' | 'read_only' | 'fulfilment' = 'admin', headers: Record<string, string> = {}) =>
    env.t.as(role, { method: 'POST', url: `/api/v1/orders/${orderId}/refunds`, payload: { reason: 'damaged in transit', method: 'gateway', ...payload }, headers });
  const getOrder = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();
  const sandboxRefunds = (ref: string) => env.sandbox.log().filter((e) => e.operation === 'refund' && e.transaction === ref && e.result === 'approved');

  it('a full refund returns everything through the gateway and marks the order refunded', async () => {
    const order = await place();
    const res = await refund(order.orderId, { items: [{ lineNo: 1, quantity: 3 }, { lineNo: 2, quantity: 1 }], shipping: 600 });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.refund).toMatchObject({ total: TOTAL, computed: TOTAL, shipping: 600, shippingTax: 60, rejected: false });
    expect(body.refund.entries).toEqual([expect.objectContaining({ kind: 'refund', status: 'approved', amount: TOTAL, reason: 'damaged in transit' })]);
    expect(body.payments).toMatchObject({ status: 'refunded', paid: TOTAL, refunded: TOTAL, refundable: 0 });
    const after = await getOrder(order.orderId);
    expect(after.items.map((i: { quantityRefunded: number }) => i.quantityRefunded)).toEqual([3, 1]);
    expect(after.history.some((h: { reason: string | null }) => h.reason?.includes('reason: damaged in transit'))).toBe(true);
    expect(sandboxRefunds(body.payments.entries[0].gatewayReference)).toHaveLength(1);
    const again = await refund(order.orderId, { amount: 1 });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ field: '/amount', detail: '$0.01 is more than the $0.00 that may still be refunded' });
  });

  it('refunds part of a line by quantity: partially refunded, units counted, preview agrees', async () => {
    const order = await place();
    const preview = await env.t.as('read_only', { method: 'POST', url: `/api/v1/orders/${order.orderId}/refunds/preview`, payload: { items: [{ lineNo: 1, quantity: 1 }] } });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ total: 1067, refundable: TOTAL }); // 3200 × 1/3, rounded
    const res = await refund(order.orderId, { items: [{ lineNo: 1, quantity: 1 }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().payments).toMatchObject({ status: 'partially_refunded', refunded: 1067, refundable: TOTAL - 1067 });
    const second = await refund(order.orderId, { items: [{ lineNo: 1, quantity: 2 }] });
    expect(second.json().refund.total).toBe(3200 - 1067);
    expect((await getOrder(order.orderId)).items[0].quantityRefunded).toBe(3);
    const tooMany = await refund(order.orderId, { items: [{ lineNo: 1, quantity: 1 }] });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().field).toBe('/items/0/quantity');
  });

  it('refunds shipping alone, with its tax, and not twice', async () => {
    const order = await place();
    const res = await refund(order.orderId, { shipping: 600 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().refund).toMatchObject({ shipping: 600, shippingTax: 60, total: 660 });
    const twice = await refund(order.orderId, { shipping: 1 });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().field).toBe('/shipping');
  });

  it('records an external refund without the gateway; it needs a reference', async () => {
    const order = await place();
    const missing = await refund(order.orderId, { method: 'external', amount: 500 });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().field).toBe('/externalReference');
    const res = await refund(order.orderId, { method: 'external', externalReference: 'cash at the counter', items: [{ lineNo: 2, quantity: 1 }], reason: 'goodwill' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().refund.entries).toEqual([expect.objectContaining({ kind: 'external_refund', status: 'approved', amount: 2750, gateway: 'external', gatewayReference: 'cash at the counter' })]);
    expect(res.json().payments).toMatchObject({ status: 'partially_refunded', refunded: 2750 });
    expect(env.sandbox.log().filter((e) => e.operation === 'refund' && e.transaction === res.json().payments.entries[0].gatewayReference)).toHaveLength(0);
  });

  it('refund then reject: the order ends in Rejected once the money is back', async () => {
    const order = await place();
    expect(order.stage).toBe('shipping_department');
    const res = await refund(order.orderId, { amount: TOTAL, rejectAfter: true, reason: 'order cancelled' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().refund.rejected).toBe(true);
    const after = await getOrder(order.orderId);
    expect(after.stage).toBe('rejected');
    expect(after.history.at(-1)).toMatchObject({ kind: 'stage', to: 'rejected' });
    expect(after.history.at(-1).reason).toContain('order cancelled');
  });

  it('refund then reject also voids an authorization the order still holds, as any reject does', async () => {
    const order = await place();
    const row = (await findOrderByNumber(get().db, order.orderId))!;
    // A hold taken on top of the sale (say, for an item added later) that was never captured.
    const auth = await transact(get().db, (trx) => insertLedgerRow(trx, {
      order_id: row.id, kind: 'authorize', amount: 500, currency: 'USD', gateway: 'sandbox', idempotency_key: `extra-auth:${row.id}`,
      status: 'approved', gateway_reference: `auth-extra-${row.id}`, actor: 'test', created_at: Date.now(), resolved_at: Date.now(),
    }));
    const res = await refund(order.orderId, { amount: TOTAL, rejectAfter: true, reason: 'order cancelled' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().refund.rejected).toBe(true);
    const voids = await get().db.selectFrom('payment_ledger').select(['kind', 'parent_id', 'status']).where('order_id', '=', row.id).where('kind', '=', 'void').execute();
    expect(voids).toEqual([expect.objectContaining({ parent_id: auth, status: expect.not.stringMatching(/^started$/) })]);
    expect(res.json().payments.entries.map((e: { kind: string }) => e.kind)).toContain('void');
  });

  it('refund then reject is refused up front where Rejected cannot be reached, and a rejected order can still be refunded', async () => {
    const order = await place();
    expect((await refund(order.orderId, { amount: 1000, rejectAfter: true })).json().refund.rejected).toBe(true);
    const again = await refund(order.orderId, { amount: 100, rejectAfter: true });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'transition_refused', field: '/rejectAfter' });
    const plain = await refund(order.orderId, { amount: 100 });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.json().payments.refunded).toBe(1100);
  });

  it('refuses beyond what was paid, an unknown reason, and a role without orders:edit', async () => {
    const order = await place();
    const beyond = await refund(order.orderId, { amount: TOTAL + 1 });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json()).toMatchObject({ code: 'validation_failed', field: '/amount' });
    const reason = await refund(order.orderId, { amount: 100, reason: 'felt like it' });
    expect(reason.statusCode).toBe(400);
    expect(reason.json().field).toBe('/reason');
    expect((await refund(order.orderId, { amount: 100 }, 'read_only')).statusCode).toBe(403);
    expect((await getOrder(order.orderId)).payment.status).toBe('processed');
  });

  it('refuses while a chargeback is open', async () => {
    const order = await place();
    const reference = (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}/payments` })).json().entries[0].gatewayReference;
    env.sandbox.chargeback(reference, { reason: '13.1 merchandise not received' });
    await waitFor(async () => (await getOrder(order.orderId)).payment.refundBlocked);
    const res = await refund(order.orderId, { amount: 100 });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('chargeback');
  });

  it('staff place a refund block and a manager lifts it, each with a reason in the history and an event', async () => {
    const order = await place();
    const block = (payload: object, role: 'admin' | 'customer_service' | 'read_only' = 'admin', headers: Record<string, string> = {}) =>
      env.t.as(role, { method: 'PUT', url: `/api/v1/orders/${order.orderId}/refund-block`, payload, headers });

    expect((await block({ blocked: true, reason: 'dispute opened' }, 'read_only')).statusCode).toBe(403);
    const blank = await block({ blocked: true, reason: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().field).toBe('/reason');
    const stale = await block({ blocked: true, reason: 'dispute opened' }, 'admin', { 'if-match': `"${order.version + 7}"` });
    expect(stale.statusCode).toBe(412);

    const placed = await block({ blocked: true, reason: 'customer told us they opened a dispute' }, 'customer_service');
    expect(placed.statusCode, placed.body).toBe(200);
    expect(placed.json()).toMatchObject({ refundBlocked: true, refundable: 0 });
    expect((await refund(order.orderId, { amount: 100 })).statusCode).toBe(409);

    // Lifting it could pay the money out twice: not for customer service, and for a manager only with a reason.
    const refused = await block({ blocked: false, reason: 'dispute won' }, 'customer_service');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain('settings:manage');
    const lifted = await block({ blocked: false, reason: 'dispute won' });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json()).toMatchObject({ refundBlocked: false, refundable: TOTAL });
    expect((await block({ blocked: false, reason: 'again' })).statusCode).toBe(200); // already lifted: nothing changes

    const after = await getOrder(order.orderId);
    const entries = after.history.filter((h: { changes: string[] | null }) => h.changes?.[0]?.startsWith('refund block')).map((h: { reason: string; changes: string[] }) => [h.changes[0], h.reason]);
    expect(entries).toEqual([['refund block placed', 'customer told us they opened a dispute'], ['refund block lifted', 'dispute won']]);
    const events = await get().db.selectFrom('outbox').select('payload_json').where('topic', '=', 'order.refund_block_changed')
      .where('aggregate_id', '=', order.orderId).orderBy('id').execute();
    expect(events.map((e) => JSON.parse(e.payload_json).blocked)).toEqual([true, false]);
    expect((await refund(order.orderId, { amount: 100 })).statusCode).toBe(200);
  });

  it('a refund the gateway declines gives its units back', async () => {
    const order = await place();
    const sale = (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}/payments` })).json().entries[0];
    // Someone refunds the whole charge at the provider directly, so ours is beyond what is left there.
    const direct = await env.payments.gateway().refund({ idempotencyKey: `direct-${order.orderId}`, amount: TOTAL, currency: 'USD', reference: 'x', transaction: sale.gatewayReference });
    expect(direct.kind).toBe('approved');
    const res = await refund(order.orderId, { items: [{ lineNo: 1, quantity: 2 }], rejectAfter: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().refund.entries[0]).toMatchObject({ status: 'declined', declineCode: 'amount_exceeds_captured' });
    expect(res.json().refund.rejected).toBe(false); // the money did not go back, so the order is not cancelled
    expect(res.json().payments).toMatchObject({ status: 'processed', refunded: 0 });
    const after = await getOrder(order.orderId);
    expect(after.stage).toBe('shipping_department');
    expect(after.items[0].quantityRefunded).toBe(0);
    expect(after.history.some((h: { reason: string | null }) => h.reason?.includes('may be refunded again'))).toBe(true);
    // The units are free again: an external refund (the money already went back) can record them.
    const external = await refund(order.orderId, { items: [{ lineNo: 1, quantity: 2 }], method: 'external', externalReference: 'refunded at the provider' });
    expect(external.statusCode, external.body).toBe(200);
  });

  it('offline payments go back only as external refunds', async () => {
    const order = await place({ method: 'check' });
    const row = (await findOrderByNumber(get().db, order.orderId))!;
    await transact(get().db, async (trx) => {
      await insertLedgerRow(trx, { order_id: row.id, kind: 'offline_payment', amount: TOTAL, currency: 'USD', gateway: 'offline', idempotency_key: `offline:${row.id}`, status: 'approved', actor: 'test', created_at: Date.now(), resolved_at: Date.now() });
      await syncOrderPayment(trx, row, 'test', 'check received', Date.now());
    });
    const res = await refund(order.orderId, { amount: 1000 });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: '/method' });
    expect(res.json().detail).toContain('external');
    expect((await refund(order.orderId, { amount: 1000, method: 'external', externalReference: 'cheque 1042' })).statusCode).toBe(200);
  });

  it('a retry with the same Idempotency-Key replays the refund instead of making another', async () => {
    const order = await place();
    const headers = { 'idempotency-key': `refund-${order.orderId}` };
    const first = await refund(order.orderId, { amount: 700 }, 'admin', headers);
    const second = await refund(order.orderId, { amount: 700 }, 'admin', headers);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    // The first response as sent (http/idempotency.ts), flagged by the header.
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect((await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}/payments` })).json().refunded).toBe(700);
  });

  it('concurrent refunds never return more than was paid', async () => {
    const order = await place();
    const codes: number[] = [];
    // Bursts of racing requests: one per burst wins the order's lock; the others find it in flight (409) or,
    // once 3 × 2000 of the 6610 are back, find too little left (400).
    for (let burst = 0; burst < 5; burst += 1) {
      const results = await Promise.all(Array.from({ length: 3 }, () => refund(order.orderId, { amount: 2000 })));
      codes.push(...results.map((r) => r.statusCode));
    }
    expect(codes.every((c) => c === 200 || c === 409 || c === 400)).toBe(true);
    expect(codes.filter((c) => c === 200)).toHaveLength(3);
    expect(codes).toContain(400);
    const payments = (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}/payments` })).json();
    expect(payments).toMatchObject({ refunded: 6000, paid: TOTAL, status: 'partially_refunded' });
    expect(sandboxRefunds(payments.entries[0].gatewayReference).reduce((s, e) => s + e.amount, 0)).toBe(6000);
  });

  it('keeps a versioned list of reasons; a change is an audited event', async () => {
    const current = (await env.t.as('read_only', { method: 'GET', url: '/api/v1/payments/refund-reasons' })).json();
    expect(current.reasons).toContain('goodwill');
    expect((await env.t.as('fulfilment', { method: 'PUT', url: '/api/v1/payments/refund-reasons', payload: { reasons: ['x'], version: current.version } })).statusCode).toBe(403);
    const put = await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/refund-reasons', payload: { reasons: [...current.reasons, 'price match'], version: current.version } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().version).toBe(current.version + 1);
    const stale = await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/refund-reasons', payload: { reasons: ['only'], version: current.version } });
    expect(stale.statusCode).toBe(409);
    const twice = await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/refund-reasons', payload: { reasons: ['a', 'a'], version: put.json().version } });
    expect(twice.json()).toMatchObject({ field: '/reasons/1' });
    const event = await get().db.selectFrom('outbox').selectAll().where('topic', '=', 'settings.changed').orderBy('id', 'desc').executeTakeFirst();
    expect(JSON.parse(event!.payload_json)).toMatchObject({ key: 'refund_reasons', after: { reasons: expect.arrayContaining(['price match']) }, actor: expect.stringContaining('test admin') });
    const order = await place();
    expect((await refund(order.orderId, { amount: 100, reason: 'Price match' })).statusCode).toBe(200);
  });
});

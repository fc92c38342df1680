import { afterAll, beforeAll, expect, it } from 'vitest';
import { up as recomputeChargebackTotals } from '../../db/migrations/2026-11-28T1200-chargeback-totals.js';
import { findOrderByNumber } from '../../orders/orders.repository.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { insertLedgerRow, listLedgerRows } from './ledger.repository.js';
import type { LedgerKind } from './ledger.table.js';
import { derivePaymentState } from './payment-state.js';

type Row = { kind: LedgerKind; amount: number; details?: object };

/**
 * Orders charged back before chargebacks counted as money returned: their stored figures are what the
 * derivation gave without the chargeback rows. The migration must leave them as the derivation gives now.
 */
describeEachDatabase('migration 2026-11-28T1200-chargeback-totals', (get) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(get().db);
  });
  afterAll(() => t.close());

  let placed = 0;
  /** An order with the given approved ledger rows, stored as the code before the change left it. */
  const orderWith = async (rows: (total: number) => Row[], stored: 'old rule' | 'current' = 'old rule') => {
    placed += 1;
    const customer = { email: `cb-upgrade-${placed}-${Math.random().toString(36).slice(2, 8)}@example.com`, ip: `192.0.2.${placed}` };
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ customer, payment: { method: 'check' } as never }) });
    expect(res.statusCode, res.body).toBe(201);
    const orderId: string = res.json().orderId;
    const order = (await findOrderByNumber(t.db, orderId))!;
    const total = Number(order.total);
    for (const [i, r] of rows(total).entries()) {
      await insertLedgerRow(t.db, {
        order_id: order.id, kind: r.kind, amount: r.amount, currency: 'USD', gateway: 'sandbox', idempotency_key: `cb-upgrade:${orderId}:${i}`,
        status: 'approved', actor: 'test', created_at: Date.now(), resolved_at: Date.now(), details_json: r.details ? JSON.stringify(r.details) : null,
      });
    }
    const ledger = await listLedgerRows(t.db, order.id);
    const state = derivePaymentState(stored === 'current' ? ledger : ledger.filter((r) => r.kind !== 'chargeback'), total);
    await t.db.updateTable('orders').where('id', '=', order.id)
      .set({ payment_status: state.status, paid_total: state.paidTotal, refunded_total: state.refundedTotal, version: 5 }).execute();
    return { orderId, id: order.id, total, was: state.status };
  };
  const storedOf = async (orderId: string) => (await findOrderByNumber(t.db, orderId))!;
  const expectDerived = async (o: { orderId: string; id: number; total: number }) => {
    const state = derivePaymentState(await listLedgerRows(t.db, o.id), o.total);
    const stored = await storedOf(o.orderId);
    expect({ status: stored.payment_status, paid: Number(stored.paid_total), refunded: Number(stored.refunded_total) })
      .toEqual({ status: state.status, paid: state.paidTotal, refunded: state.refundedTotal });
    return state;
  };
  const eventsOf = async (orderId: string) => (await t.db.selectFrom('outbox').select('payload_json')
    .where('topic', '=', 'order.payment_changed').where('aggregate_id', '=', orderId).execute()).map((e) => JSON.parse(e.payload_json));
  const notesOf = async (id: number) => (await t.db.selectFrom('order_history').select(['actor', 'reason']).where('order_id', '=', id)
    .where('kind', '=', 'payment').execute()).filter((h) => h.reason?.includes('chargebacks now count'));

  it('re-derives the figures and status of charged-back orders, as the payment sync would', async () => {
    const full = await orderWith((total) => [{ kind: 'sale', amount: total }, { kind: 'chargeback', amount: total }]);
    const partial = await orderWith((total) => [{ kind: 'sale', amount: total }, { kind: 'chargeback', amount: 500 }]);
    const refundedToo = await orderWith((total) => [{ kind: 'sale', amount: total }, { kind: 'refund', amount: 1000 }, { kind: 'chargeback', amount: 500 }]);
    // Charged back, then collected again in full: processed, as before, but the refunded total counts it now.
    const collectedAgain = await orderWith((total) => [{ kind: 'sale', amount: total }, { kind: 'chargeback', amount: total }, { kind: 'sale', amount: total }]);
    // An older A/R coupon (not on the order's total) counts toward "paid in full"; one on the total does not.
    const coupon = (onOrder: boolean) => (total: number): Row[] => [
      { kind: 'sale', amount: total - 500, details: { arDay: 1, coupon: { amountOff: 500, ...(onOrder ? { onOrder: true } : {}) } } },
      { kind: 'chargeback', amount: total - 500 },
      { kind: 'sale', amount: total - 500 },
    ];
    const oldCoupon = await orderWith(coupon(false));
    const couponOnTotal = await orderWith(coupon(true));
    const current = await orderWith((total) => [{ kind: 'sale', amount: total }, { kind: 'chargeback', amount: 700 }], 'current');
    // Not charged back: not read, not written, whatever its stored figures say.
    const untouched = await orderWith((total) => [{ kind: 'sale', amount: total }]);
    await t.db.updateTable('orders').where('id', '=', untouched.id).set({ refunded_total: 1 }).execute();

    expect([full.was, partial.was, refundedToo.was, collectedAgain.was]).toEqual(['processed', 'processed', 'partially_refunded', 'processed']);
    await recomputeChargebackTotals(t.db);

    expect((await expectDerived(full)).status).toBe('refunded');
    expect((await expectDerived(partial)).status).toBe('partially_refunded');
    expect(await expectDerived(refundedToo)).toMatchObject({ status: 'partially_refunded', refundedTotal: 1500 });
    expect(await expectDerived(collectedAgain)).toMatchObject({ status: 'processed', refundedTotal: collectedAgain.total });
    expect((await expectDerived(oldCoupon)).status).toBe('processed');
    expect((await expectDerived(couponOnTotal)).status).toBe('partially_refunded');
    await expectDerived(current);

    // What a sync gives a changed order: a new version, a history line, the event when the status changed.
    expect((await storedOf(full.orderId)).version).toBe(6);
    expect(await notesOf(full.id)).toEqual([{ actor: 'system:upgrade Orderdeck upgrade', reason: expect.stringContaining('(payment processed → refunded)') }]);
    expect(await eventsOf(full.orderId)).toEqual([{ orderId: full.orderId, from: 'processed', to: 'refunded', paid: full.total, refunded: full.total }]);
    expect(await notesOf(refundedToo.id)).toHaveLength(1);
    expect(await eventsOf(refundedToo.orderId)).toEqual([]);
    for (const o of [current, untouched]) {
      expect((await storedOf(o.orderId)).version).toBe(5);
      expect(await notesOf(o.id)).toEqual([]);
    }
    expect(Number((await storedOf(untouched.orderId)).refunded_total)).toBe(1);

    // Run again (or on a database already current): nothing left to change.
    await recomputeChargebackTotals(t.db);
    expect((await storedOf(full.orderId)).version).toBe(6);
    expect(await notesOf(full.id)).toHaveLength(1);
  });
});

import { expect, it } from 'vitest';
import type { Trx } from '../../db/database.js';
import { createOrder } from '../../orders/create-order.js';
import { SYSTEM_ACTOR } from '../../shared/actor.js';
import { describeEachDatabase, statementsExecuted } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { insertLedgerRow, lockOrderById } from '../ledger/ledger.repository.js';
import { syncOrderPayment } from './sync-order-payment.js';

const settings = { orderNumberPrefix: 'OD-', gateway: 'sandbox', cardMode: 'sale' as const };

/** An order paid by check, waiting in Accounts Receivable, whose payment has just been recorded in the ledger. */
async function paidByCheck(trx: Trx, now: number) {
  const created = await createOrder(trx, orderInput({ payment: { method: 'check' } }), SYSTEM_ACTOR, settings, now);
  const total = created.asWritten().summary.total;
  await insertLedgerRow(trx, {
    order_id: created.orderId, kind: 'offline_payment', amount: total, currency: 'USD', gateway: 'offline',
    idempotency_key: `check:${created.orderNumber}`, status: 'approved', actor: 'user:1 Clerk', created_at: now, resolved_at: now,
  });
  return (await lockOrderById(trx, created.orderId))!;
}

describeEachDatabase('syncOrderPayment', (get) => {
  it('derives the payment from the ledger, routes the order on, and records history and events in order', async () => {
    const { db } = get();
    const now = Date.now();
    const { order, sync } = await db.transaction().execute(async (trx) => {
      const order = await paidByCheck(trx, now);
      return { order, sync: await syncOrderPayment(trx, order, 'user:1 Clerk', 'check payment received (no. 1044)', now + 1) };
    });
    expect(order.stage).toBe('accounts_receivable');
    expect(sync).toMatchObject({ stage: 'shipping_department', moved: true, state: { status: 'processed', paidTotal: Number(order.total) } });
    const stored = await db.selectFrom('orders').selectAll().where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ stage: 'shipping_department', payment_status: 'processed', paid_total: Number(order.total), version: order.version + 1 });
    const history = await db.selectFrom('order_history').select(['kind', 'reason', 'to_stage']).where('order_id', '=', order.id).orderBy('id').execute();
    expect(history.map((h) => h.kind)).toEqual(['created', 'payment', 'stage']);
    expect(history[1]!.reason).toBe('check payment received (no. 1044)');
    const events = await db.selectFrom('outbox').select('topic').where('aggregate_id', '=', order.order_number).orderBy('id').execute();
    expect(events.map((e) => e.topic)).toEqual(['order.created', 'order.stage_changed', 'order.payment_changed']);
  });

  // The A/R run and every charge's answer go through here: on PostgreSQL each statement is a round trip.
  it('on PostgreSQL, takes three statements: ledger with history, the order row, its counts with history and events', async () => {
    const { db, dialect } = get();
    if (dialect !== 'postgres') return;
    await db.transaction().execute(async (trx) => {
      const now = Date.now();
      await syncOrderPayment(trx, await paidByCheck(trx, now), 'user:1 Clerk', 'warm-up: statements prepared', now);
      const order = await paidByCheck(trx, now);
      const before = await statementsExecuted(trx);
      await syncOrderPayment(trx, order, 'user:1 Clerk', 'check payment received', now);
      expect(await statementsExecuted(trx) - before).toBe(3);
    });
  });
});

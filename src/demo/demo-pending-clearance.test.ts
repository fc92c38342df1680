import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SANDBOX_NOTIFICATION_PATH } from '../payments/gateway/gateway-setup.js';
import { signNotification } from '../payments/gateway/signature.js';
import { buildTestApp, type TestApp, testConfig } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { seedDemoDataIfEmpty } from './demo-data.js';
import { seedOrders } from './seed-orders.js';

const SECRET = 'demo-clearance-secret';

describeEachDatabase('demo orders in Pending Clearance', (get) => {
  let t: TestApp;
  beforeAll(async () => {
    await seedDemoDataIfEmpty(get().db, testConfig({ demoData: true }), pino({ level: 'silent' }));
    t = await buildTestApp(get().db, { gatewaySecret: SECRET });
  });
  afterAll(() => t.close());

  const waiting = () => get().db.selectFrom('orders').select(['id', 'order_number', 'total', 'currency', 'payment_json', 'has_shippable'])
    .where('stage', '=', 'pending_clearance').orderBy('id').execute();
  const ledgerOf = (orderId: number) => get().db.selectFrom('payment_ledger').selectAll().where('order_id', '=', orderId).execute();
  const notify = async (type: 'cleared' | 'failed', order: { total: number; currency: string }, reference: string) => {
    const body = JSON.stringify({
      id: `evt_${randomUUID()}`, type, transaction: reference, amount: Number(order.total), currency: order.currency,
      ...(type === 'failed' ? { reason: 'R01 insufficient funds' } : {}), occurredAt: new Date().toISOString(),
    });
    const res = await t.app.inject({
      method: 'POST', url: SANDBOX_NOTIFICATION_PATH, payload: body,
      headers: { 'content-type': 'application/json', 'sandbox-signature': signNotification(SECRET, body) },
    });
    expect(res.statusCode).toBe(200);
  };

  it('each waits on a pending sandbox payment with its reference, and the notification naming it moves the order on', async () => {
    const orders = await waiting();
    expect(orders.length).toBeGreaterThanOrEqual(2);
    const references = new Set<string>();
    for (const order of orders) {
      const { reference } = JSON.parse(order.payment_json) as { reference: string };
      const rows = await ledgerOf(Number(order.id));
      expect(rows.map((r) => [r.kind, r.status, r.gateway, r.gateway_reference]), order.order_number).toEqual([['sale', 'pending', 'sandbox', reference]]);
      expect(Number(rows[0]!.amount)).toBe(Number(order.total));
      references.add(reference);
    }
    expect(references.size).toBe(orders.length); // one notification names one order

    const [bounced, ...rest] = orders;
    await notify('failed', bounced!, JSON.parse(bounced!.payment_json).reference);
    for (const order of rest) await notify('cleared', order, JSON.parse(order.payment_json).reference);

    expect(await waiting()).toEqual([]);
    const after = await get().db.selectFrom('orders').select(['id', 'stage', 'payment_status', 'paid_total', 'has_shippable'])
      .where('id', 'in', orders.map((o) => o.id)).orderBy('id').execute();
    expect(after[0]).toMatchObject({ stage: 'accounts_receivable', payment_status: 'declined' });
    for (const [i, order] of after.slice(1).entries()) {
      expect(order).toMatchObject({ stage: order.has_shippable ? 'shipping_department' : 'completed_order', payment_status: 'processed' });
      expect(Number(order.paid_total)).toBe(Number(rest[i]!.total));
      // Out of Pending Clearance, the order has moves again.
      const res = await t.as('admin', { method: 'GET', url: `/api/v1/orders/${(await get().db.selectFrom('orders').select('order_number').where('id', '=', order.id).executeTakeFirstOrThrow()).order_number}` });
      expect(res.json<{ allowedMoves: string[] }>().allowedMoves.length).toBeGreaterThan(0);
    }
  });

  it('a later seed run gives its submitted payments references no earlier order has', async () => {
    await seedOrders(get().db, { orders: 400, orderNumberPrefix: 'OD-' });
    const submitted = await get().db.selectFrom('payment_ledger').select(['gateway_reference', 'status'])
      .where('gateway', '=', 'sandbox').where('gateway_reference', 'is not', null).execute();
    expect(submitted.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);
    expect(new Set(submitted.map((r) => r.gateway_reference)).size).toBe(submitted.length);
  });
});

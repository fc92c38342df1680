import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transact } from '../../db/transact.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';
import { derivePaymentState } from '../ledger/payment-state.js';
import { couponRoom, spreadCoupon } from './ar-coupon.js';
import { type ArSchedule, DAY_MS, getArSchedule, updateArSchedule } from './ar-schedule.js';
import { runArSchedule } from './run-ar-schedule.js';

const line = (line_no: number, quantity: number, unit_price: number, discount = 0, quantity_refunded = 0) => ({ line_no, quantity, unit_price, discount, quantity_refunded });

describe('spreading a coupon over the order lines', () => {
  it('in proportion to what each line may still take, adding up exactly, never past a line', () => {
    const lines = [line(1, 3, 1000, 100), line(2, 1, 2500), line(3, 1, 1)];
    expect(couponRoom(lines)).toBe(5401);
    const parts = spreadCoupon(1000, lines);
    expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(1000);
    expect(parts).toEqual([{ lineNo: 1, amount: 537 }, { lineNo: 2, amount: 463 }]);
    expect(spreadCoupon(9999, lines)).toEqual([{ lineNo: 1, amount: 2900 }, { lineNo: 2, amount: 2500 }, { lineNo: 3, amount: 1 }]);
  });

  it('leaves alone lines with units refunded and lines discounted to nothing', () => {
    expect(spreadCoupon(300, [line(1, 2, 500, 0, 1), line(2, 1, 400, 400), line(3, 1, 800)])).toEqual([{ lineNo: 3, amount: 300 }]);
    expect(spreadCoupon(300, [line(1, 2, 500, 0, 1)])).toEqual([]);
  });

  it('a coupon on the order\'s discount is not counted again as conceded; an older one left outside the total still is', () => {
    const sale = (coupon: object) => ({ id: 1, kind: 'sale' as const, status: 'approved' as const, amount: 900, parent_id: null, resolved_at: 1, details_json: JSON.stringify({ arDay: 5, coupon }) });
    expect(derivePaymentState([sale({ amountOff: 100 })], 1000).status).toBe('processed');
    expect(derivePaymentState([sale({ amountOff: 100, onOrder: true })], 1000).status).toBe('unprocessed');
    expect(derivePaymentState([sale({ amountOff: 100, onOrder: true })], 900).status).toBe('processed');
  });
});

describeEachDatabase('A/R retry schedule coupons on the order', (get) => {
  let env: PaymentTestEnv;
  let ip = 0;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  /** Waiting in A/R after a declined charge, with a card that now behaves as `behaviour`. Line 1: 2 × 19.99 + 4.00 tax; shipping 5.00: 48.98. */
  const arOrder = async (behaviour: string) => {
    const input = orderInput({ payment: (await env.card('declined: insufficient funds')) as never });
    input.customer = { ...input.customer, ip: `198.18.${Math.floor(++ip / 250)}.${ip % 250}` };
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
    expect(res.json().stage, res.body).toBe('accounts_receivable');
    const { card } = await env.card(behaviour);
    await get().db.updateTable('orders').set({ payment_json: JSON.stringify({ card: { token: card.token, brand: 'visa', last4: '0000', expMonth: 12, expYear: 2031 }, reference: null }) })
      .where('order_number', '=', res.json().orderId).execute();
    return get().db.selectFrom('orders').selectAll().where('order_number', '=', res.json().orderId).executeTakeFirstOrThrow();
  };
  const getOrder = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();
  const withSchedule = async (s: Omit<ArSchedule, 'version'>, body: () => Promise<void>) => {
    const before = await getArSchedule(get().db);
    await transact(get().db, (trx) => updateArSchedule(trx, s, before.version, 'user:test Test'));
    try {
      await body();
    } finally {
      const current = await getArSchedule(get().db);
      await transact(get().db, (trx) => updateArSchedule(trx, before, current.version, 'user:test Test'));
    }
  };
  const fullRefund = (orderId: string) => env.t.as('admin', {
    method: 'POST', url: `/api/v1/orders/${orderId}/refunds`,
    payload: { items: [{ lineNo: 1, quantity: 2 }], shipping: 500, reason: 'damaged in transit', method: 'gateway' },
  });

  it('an approved coupon charge lowers the order\'s total by the coupon, with a history row; a full refund returns exactly what was paid', async () => {
    await withSchedule({ enabled: true, days: [{ day: 2, action: 'charge', couponPercent: 10 }], rejectAtEnd: false }, async () => {
      const order = await arOrder('approved');
      expect(order.total).toBe(4898);
      await runArSchedule(get().db, env.payments, { now: order.stage_entered_at + 2 * DAY_MS + 1 });
      const after = await getOrder(order.order_number);
      expect(after.summary).toEqual({ subtotal: 3998, discount: 490, shipping: 500, tax: 400, total: 4408, refunded: 0 });
      expect(after.items[0]).toMatchObject({ discount: 490 });
      expect(after).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed', paid: 4408 } });
      const history = after.history.map((h: { kind: string; reason: string | null }) => `${h.kind}: ${h.reason}`);
      expect(history).toContainEqual(expect.stringMatching(/^payment: A\/R retry schedule day 2: 10% coupon takes \$4\.90 off the \$48\.98 due; charging \$44\.08$/));
      expect(history).toContainEqual('updated: A/R retry schedule: day 2: the 10% coupon of $4.90 is now part of the order\'s discount (line 1 $4.90); total $48.98 → $44.08');

      const refunded = await fullRefund(order.order_number);
      expect(refunded.statusCode, refunded.body).toBe(200);
      expect(refunded.json().refund).toMatchObject({ total: 4408, computed: 4408 });
      expect(refunded.json().payments).toMatchObject({ status: 'refunded', paid: 4408, refunded: 4408, refundable: 0 });
    });
  });

  it('a coupon bigger than the goods takes the goods only: shipping and tax are still charged, and the refund still adds up', async () => {
    await withSchedule({ enabled: true, days: [{ day: 1, action: 'charge', couponAmount: 4500, couponCurrency: 'USD' }], rejectAtEnd: false }, async () => {
      const order = await arOrder('approved');
      await runArSchedule(get().db, env.payments, { now: order.stage_entered_at + DAY_MS + 1 });
      const sale = env.sandbox.log().find((e) => e.operation === 'sale' && e.idempotencyKey?.startsWith(`ar:${order.order_number}:`));
      expect(sale).toMatchObject({ result: 'approved', amount: 900 });
      const after = await getOrder(order.order_number);
      expect(after.summary).toMatchObject({ discount: 3998, total: 900 });
      expect(after.payment).toMatchObject({ status: 'processed', paid: 900 });
      const refunded = await fullRefund(order.order_number);
      expect(refunded.statusCode, refunded.body).toBe(200);
      expect(refunded.json().payments).toMatchObject({ status: 'refunded', refunded: 900 });
    });
  });

  it('a declined coupon charge leaves the order\'s totals as they were: the coupon was for paying that day', async () => {
    await withSchedule({ enabled: true, days: [{ day: 2, action: 'charge', couponPercent: 10 }], rejectAtEnd: false }, async () => {
      const order = await arOrder('declined (generic)');
      const run = await runArSchedule(get().db, env.payments, { now: order.stage_entered_at + 2 * DAY_MS + 1 });
      expect(run.declined).toBeGreaterThanOrEqual(1);
      const after = await getOrder(order.order_number);
      expect(after.summary).toMatchObject({ discount: 0, total: 4898 });
      expect(after.items[0].discount).toBe(0);
      expect(after).toMatchObject({ stage: 'accounts_receivable', payment: { status: 'declined', paid: 0 } });
      expect(after.history.some((h: { kind: string }) => h.kind === 'updated')).toBe(false);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transact } from '../../db/transact.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';
import { type ArSchedule, couponOff, DAY_MS, DEFAULT_AR_SCHEDULE, dueAction, getArSchedule, updateArSchedule } from './ar-schedule.js';
import { getArStats } from './ar-stats.js';
import { runArSchedule } from './run-ar-schedule.js';

describe('dueAction', () => {
  const at = (days: number, hours = 0) => days * DAY_MS + hours * 3_600_000;
  it('gives the latest scheduled day reached, counted in whole 24-hour periods', () => {
    expect(dueAction(DEFAULT_AR_SCHEDULE, at(0, 23))).toBeUndefined();
    expect(dueAction(DEFAULT_AR_SCHEDULE, at(1))).toEqual({ action: 'charge', day: 1 });
    expect(dueAction(DEFAULT_AR_SCHEDULE, at(2, 23))).toEqual({ action: 'charge', day: 1 });
    expect(dueAction(DEFAULT_AR_SCHEDULE, at(4))).toEqual({ action: 'charge', day: 3 }); // day 1 is not made up
    expect(dueAction(DEFAULT_AR_SCHEDULE, at(5))).toEqual({ action: 'charge', day: 5, couponPercent: 10 });
    expect(dueAction(DEFAULT_AR_SCHEDULE, at(9))).toEqual({ action: 'reject', day: 7, reason: 'A/R retry schedule: day 7' });
  });
  it('rejects the day after the last scheduled day when rejectAtEnd, and never otherwise', () => {
    const days = [{ day: 2, action: 'charge' as const }];
    expect(dueAction({ days, rejectAtEnd: true }, at(3))).toEqual({ action: 'reject', day: 3, reason: 'A/R retry schedule: end (day 3)' });
    expect(dueAction({ days, rejectAtEnd: false }, at(30))).toEqual({ action: 'charge', day: 2 });
  });
  it('takes a coupon off the amount due, never down to nothing', () => {
    expect(couponOff(1000, { couponPercent: 10 }, 'USD')).toBe(100);
    expect(couponOff(1005, { couponPercent: 10 }, 'JPY')).toBe(100); // 100.5 rounds half to even
    expect(couponOff(1000, { couponAmount: 250, couponCurrency: 'USD' }, 'USD')).toBe(250);
    expect(couponOff(1000, { couponAmount: 5000, couponCurrency: 'USD' }, 'USD')).toBe(999);
    expect(couponOff(1000, {}, 'USD')).toBe(0);
  });
  it('takes an amount coupon only off orders in its currency: $2.50 is not ¥250', () => {
    expect(couponOff(100_000, { couponAmount: 250, couponCurrency: 'USD' }, 'JPY')).toBe(0);
    expect(couponOff(100_000, { couponAmount: 250, couponCurrency: 'JPY' }, 'JPY')).toBe(250);
    // Saved before amounts carried a currency: applies as it did.
    expect(couponOff(1000, { couponAmount: 250 }, 'EUR')).toBe(250);
  });
});

describeEachDatabase('the A/R retry schedule', (get) => {
  let env: PaymentTestEnv;
  let ip = 0;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  /** An order waiting in A/R after a declined charge, whose card now behaves as `behaviour` (the customer fixed it, or did not). */
  const arOrder = async (behaviour: string, payment?: object) => {
    const input = orderInput({ payment: (payment ?? (await env.card('declined: insufficient funds'))) as never });
    input.customer = { ...input.customer, ip: `203.0.${Math.floor(++ip / 250)}.${ip % 250}` };
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
    expect(res.json().stage, res.body).toBe('accounts_receivable');
    if (!payment) {
      const { card } = await env.card(behaviour);
      await get().db.updateTable('orders').set({ payment_json: JSON.stringify({ card: { token: card.token, brand: 'visa', last4: '0000', expMonth: 12, expYear: 2031 }, reference: null }) })
        .where('order_number', '=', res.json().orderId).execute();
    }
    return get().db.selectFrom('orders').selectAll().where('order_number', '=', res.json().orderId).executeTakeFirstOrThrow();
  };
  const reload = (orderNumber: string) => get().db.selectFrom('orders').selectAll().where('order_number', '=', orderNumber).executeTakeFirstOrThrow();
  const arSales = (orderNumber: string) => env.sandbox.log().filter((e) => e.operation === 'sale' && e.idempotencyKey?.startsWith(`ar:${orderNumber}:`));
  const setSchedule = async (s: Omit<ArSchedule, 'version'>) => {
    const current = await getArSchedule(get().db);
    await transact(get().db, (trx) => updateArSchedule(trx, s, current.version, 'user:test Test'));
  };
  const history = (orderId: number) => get().db.selectFrom('order_history').selectAll().where('order_id', '=', orderId).orderBy('id').execute();

  it('on day 1 charges a card that now works (the order ships) and again declines one that does not (it stays); nothing twice', async () => {
    const good = await arOrder('approved');
    const bad = await arOrder('declined (generic)');
    expect((await runArSchedule(get().db, env.payments, { now: good.stage_entered_at + DAY_MS - 60_000 })).charged).toBe(0);
    const day1 = bad.stage_entered_at + DAY_MS + 60_000;
    const run = await runArSchedule(get().db, env.payments, { now: day1 });
    expect(run.approved).toBeGreaterThanOrEqual(1);
    expect(run.declined).toBeGreaterThanOrEqual(1);
    expect(await reload(good.order_number)).toMatchObject({ stage: 'shipping_department', payment_status: 'processed', paid_total: good.total });
    expect(await reload(bad.order_number)).toMatchObject({ stage: 'accounts_receivable', payment_status: 'declined' });
    expect(arSales(good.order_number)).toEqual([expect.objectContaining({ result: 'approved', amount: good.total, idempotencyKey: `ar:${good.order_number}:e${good.stage_entered_at}:day1` })]);
    expect(arSales(bad.order_number)).toEqual([expect.objectContaining({ result: 'declined', code: 'card_declined' })]);

    const again = await runArSchedule(get().db, env.payments, { now: day1 + 3_600_000 });
    expect(again.charged).toBe(0);
    expect(arSales(bad.order_number)).toHaveLength(1);
  });

  it('rejects on day 7 with the schedule\'s reason, and counts it in the statistics', async () => {
    const order = await arOrder('declined (generic)');
    const day7 = order.stage_entered_at + 7 * DAY_MS + 1;
    const run = await runArSchedule(get().db, env.payments, { now: day7 });
    expect(run.rejected).toBeGreaterThanOrEqual(1);
    expect(await reload(order.order_number)).toMatchObject({ stage: 'rejected' });
    expect((await history(order.id)).at(-1)).toMatchObject({ kind: 'stage', from_stage: 'accounts_receivable', to_stage: 'rejected', reason: 'A/R retry schedule: day 7' });
    const [seventh] = await getArStats(get().db, 1, day7); // the run acted "7 days from now", and counted it on that day
    expect(seventh).toMatchObject({ day: new Date(day7).toISOString().slice(0, 10) });
    expect(seventh!.rejectedBySchedule).toBeGreaterThanOrEqual(1);
  });

  it('rejects at the end of the schedule; an offline order is never charged, only rejected; not without rejectAtEnd', async () => {
    await setSchedule({ enabled: true, days: [{ day: 1, action: 'charge' }], rejectAtEnd: false });
    try {
      const card = await arOrder('declined (generic)');
      const check = await arOrder('', { method: 'check' });
      const day3 = check.stage_entered_at + 3 * DAY_MS + 1;
      const kept = await runArSchedule(get().db, env.payments, { now: day3 });
      expect(kept.noCard).toBeGreaterThanOrEqual(1);
      expect((await reload(card.order_number)).stage).toBe('accounts_receivable');
      expect((await reload(check.order_number)).stage).toBe('accounts_receivable');

      await setSchedule({ enabled: true, days: [{ day: 1, action: 'charge' }], rejectAtEnd: true });
      await runArSchedule(get().db, env.payments, { now: day3 });
      for (const o of [card, check]) {
        expect(await reload(o.order_number)).toMatchObject({ stage: 'rejected' });
        expect((await history(o.id)).at(-1)).toMatchObject({ reason: 'A/R retry schedule: end (day 2)' });
      }
      expect(arSales(check.order_number)).toEqual([]);
    } finally {
      await setSchedule(DEFAULT_AR_SCHEDULE);
    }
  });

  it('does nothing while disabled, and does not reject an order whose charge is still in flight', async () => {
    const order = await arOrder('declined (generic)');
    await setSchedule({ ...DEFAULT_AR_SCHEDULE, enabled: false });
    try {
      expect(await runArSchedule(get().db, env.payments, { now: order.stage_entered_at + 8 * DAY_MS })).toMatchObject({ disabled: true, examined: 0 });
    } finally {
      await setSchedule(DEFAULT_AR_SCHEDULE);
    }
    await get().db.insertInto('payment_ledger').values({
      order_id: order.id, kind: 'sale', amount: order.total, currency: 'USD', gateway: 'sandbox', idempotency_key: `test:${order.order_number}:open`,
      parent_id: null, source_token: null, status: 'unknown', gateway_reference: null, decline_code: null, message: null, avs: null, cvv: null,
      actor: 'test', reason: null, details_json: null, attempts: 1, created_at: Date.now(), resolved_at: null, next_attempt_at: Date.now() + 3_600_000,
    }).execute();
    await runArSchedule(get().db, env.payments, { now: order.stage_entered_at + 8 * DAY_MS });
    expect((await reload(order.order_number)).stage).toBe('accounts_receivable');
    await get().db.updateTable('payment_ledger').set({ status: 'declined', next_attempt_at: null }).where('idempotency_key', '=', `test:${order.order_number}:open`).execute();
  });
});

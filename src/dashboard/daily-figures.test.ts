import { afterAll, beforeAll, expect, it } from 'vitest';
import { transact } from '../db/transact.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { DASHBOARD_DAYS, listDailyFigures, noteOrderTotalChanged, SETTLE_MS } from './daily-figures.js';
import { DAY_MS, saveDayFigures } from './dashboard.repository.js';

/*
 * The stored days, driven with a clock of our own: each test has a far-future "today" of its own, whose
 * window holds only the orders that test moves into it.
 */
let nextToday = Date.UTC(2031, 2, 15);
const aToday = () => (nextToday += 100 * DAY_MS);
const H = 3_600_000;

describeEachDatabase('dashboard daily figures', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  /** An order of `total` (USD, no tax or shipping) placed at `createdAt`. */
  const placeAt = async (createdAt: number, unitPrice = 1000) => {
    const res = await t.as('admin', {
      method: 'POST', url: '/api/v1/orders', payload: orderInput({ items: [{ sku: 'D-1', quantity: 1, unitPrice, tax: 0 }], shippingCost: 0 }),
    });
    expect(res.statusCode, res.body).toBe(201);
    await t.db.updateTable('orders').set({ created_at: createdAt }).where('order_number', '=', res.json().orderId).execute();
    return res.json().orderId as string;
  };
  const revenueOn = async (day: number, now: number) =>
    (await listDailyFigures(t.db, now)).filter((f) => f.dayStart === day).reduce((sum, f) => sum + f.revenue, 0);
  const storedDay = (day: number) => t.db.selectFrom('dashboard_days').selectAll().where('day_start', '=', day).executeTakeFirst();

  it('sums a finished day once and keeps it; today stays live', async () => {
    const TODAY = aToday();
    const day = TODAY - 3 * DAY_MS;
    await placeAt(day + H, 1000);
    await placeAt(TODAY + H, 700);
    const now = TODAY + 12 * H;
    expect(await revenueOn(day, now)).toBe(1000);
    expect(await storedDay(day)).toMatchObject({ generation: 0, computed_generation: 0, figures_json: JSON.stringify([{ currency: 'USD', orders: 1, revenue: 1000 }]) });
    const rows = await t.db.selectFrom('dashboard_days').select('day_start').where('day_start', '>=', TODAY - 40 * DAY_MS).execute();
    // Every finished day of the window is stored, empty ones too, so none is summed twice.
    expect(rows.map((r) => Number(r.day_start)).sort()).toEqual(Array.from({ length: DASHBOARD_DAYS - 1 }, (_, i) => TODAY - (DASHBOARD_DAYS - 1 - i) * DAY_MS));
    expect(await storedDay(TODAY)).toBeUndefined();

    await placeAt(TODAY + 2 * H, 300);
    expect(await revenueOn(TODAY, now)).toBe(1000);
    // What a stored day is worth: an order slipped in behind its back (nothing in the app can) is not seen …
    await placeAt(day + 2 * H, 50);
    expect(await revenueOn(day, now)).toBe(1000);
    // … until the day is marked changed, as an edit of one of its orders does.
    await transact(t.db, (trx) => noteOrderTotalChanged(trx, day + 2 * H, now));
    expect(await revenueOn(day, now)).toBe(1050);
    expect(await storedDay(day)).toMatchObject({ generation: 1, computed_generation: 1 });
  });

  it('keeps summing yesterday live until it has settled, so a late commit from 23:59 is counted', async () => {
    const TODAY = aToday();
    const yesterday = TODAY - DAY_MS;
    await placeAt(TODAY - 1, 400);
    expect(await revenueOn(yesterday, TODAY + SETTLE_MS - 1)).toBe(400);
    expect(await storedDay(yesterday)).toBeUndefined();
    await placeAt(TODAY - 2, 20); // created before midnight, committed just after
    expect(await revenueOn(yesterday, TODAY + SETTLE_MS)).toBe(420);
    expect(await storedDay(yesterday)).toMatchObject({ computed_generation: 0 });
  });

  it('only marks finished days: an edit of an order placed today leaves the table alone', async () => {
    const TODAY = aToday();
    const now = TODAY + 10 * H;
    await transact(t.db, (trx) => noteOrderTotalChanged(trx, TODAY + H, now));
    expect(await storedDay(TODAY)).toBeUndefined();
  });

  it('drops figures computed before a change that committed while they were being summed', async () => {
    const TODAY = aToday();
    const day = TODAY - 10 * DAY_MS;
    const now = TODAY + H;
    await placeAt(day + H, 900);
    expect(await revenueOn(day, now)).toBe(900);
    // A reader read generation 0 and summed; meanwhile an edit marked the day (generation 1) ...
    await transact(t.db, (trx) => noteOrderTotalChanged(trx, day + H, now));
    // ... so the reader's late save of what it summed must not count.
    await transact(t.db, (trx) => saveDayFigures(trx, day, 0, [{ currency: 'USD', orders: 1, revenue: 1 }], now));
    expect(await storedDay(day)).toMatchObject({ generation: 1, computed_generation: 0 });
    expect(await revenueOn(day, now)).toBe(900);
    expect(await storedDay(day)).toMatchObject({ generation: 1, computed_generation: 1 });

    // The same when the day had never been stored: the edit's row comes first.
    const fresh = TODAY - 20 * DAY_MS;
    await t.db.deleteFrom('dashboard_days').where('day_start', '=', fresh).execute();
    await transact(t.db, (trx) => noteOrderTotalChanged(trx, fresh + H, now));
    await transact(t.db, (trx) => saveDayFigures(trx, fresh, 0, [{ currency: 'USD', orders: 9, revenue: 9 }], now));
    expect(await storedDay(fresh)).toMatchObject({ generation: 1, computed_generation: null, figures_json: null });
  });

  it('lets several readers fill the same days at once', async () => {
    const TODAY = aToday();
    const now = TODAY + 40 * DAY_MS;
    await placeAt(TODAY + 20 * DAY_MS, 250);
    const all = await Promise.all([1, 2, 3, 4].map(() => listDailyFigures(t.db, now)));
    for (const figures of all) expect(figures).toEqual(all[0]);
    expect(all[0]).toContainEqual({ dayStart: TODAY + 20 * DAY_MS, currency: 'USD', orders: 1, revenue: 250 });
  });
});

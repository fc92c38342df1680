import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../auth/users.service.js';
import type { CreateOrderInput } from '../orders/orders.schemas.js';
import { STAGES } from '../stages/stages.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { DASHBOARD_DAYS, startOfUtcDay } from './daily-figures.js';
import { DAY_MS } from './dashboard.repository.js';

interface Placed { orderId: string; createdAt: number; currency: string; total: number; isTest: boolean }
interface Day { day: string; currency: string; orders: number; revenue: number }

describeEachDatabase('dashboard API', (getDb) => {
  let t: TestApp;
  const placed: Placed[] = [];
  let jpy: Placed;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const place = async (overrides: Partial<CreateOrderInput> = {}, createdAt?: number): Promise<Placed> => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput(overrides) });
    expect(res.statusCode, res.body).toBe(201);
    const o = res.json();
    const p = { orderId: o.orderId, createdAt: Date.parse(o.createdAt), currency: o.currency, total: o.summary.total, isTest: o.isTest };
    if (createdAt !== undefined) {
      await t.db.updateTable('orders').set({ created_at: createdAt }).where('order_number', '=', p.orderId).execute();
      p.createdAt = createdAt;
    }
    placed.push(p);
    return p;
  };
  const dashboard = async () => {
    const res = await t.as('read_only', { method: 'GET', url: '/api/v1/dashboard' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { days: Day[]; stages: { stage: string; label: string; count: number; oldest: Record<string, unknown> | null }[]; generatedAt: string };
  };
  /** The figures worked out by hand from the orders placed, for the window ending on `now`'s day. */
  const expectedDays = (now: number): Day[] => {
    const first = startOfUtcDay(now) - (DASHBOARD_DAYS - 1) * DAY_MS;
    const sums = new Map<string, Day>();
    for (const o of placed.filter((p) => !p.isTest && p.createdAt >= first && p.createdAt < startOfUtcDay(now) + DAY_MS)) {
      const day = new Date(o.createdAt).toISOString().slice(0, 10);
      const sum = sums.get(`${day} ${o.currency}`) ?? { day, currency: o.currency, orders: 0, revenue: 0 };
      sums.set(`${day} ${o.currency}`, { ...sum, orders: sum.orders + 1, revenue: sum.revenue + o.total });
    }
    return [...sums.values()].sort((a, b) => (a.day + a.currency < b.day + b.currency ? -1 : 1));
  };

  it('sums orders and revenue per UTC day and currency over the last 30 days, test orders left out', async () => {
    const today = startOfUtcDay(Date.now());
    await place();
    await place({ currency: 'EUR' });
    await place({ currency: 'EUR', items: [{ sku: 'EU-1', quantity: 3, unitPrice: 1250, tax: 0 }] });
    await place({ isTest: true });
    // Either side of midnight, of the window's first day, and just before the window.
    await place({}, today - 1);
    await place({}, today);
    await place({ currency: 'GBP' }, today - 3 * DAY_MS + 5_000);
    await place({ currency: 'GBP' }, today - (DASHBOARD_DAYS - 1) * DAY_MS);
    await place({}, today - (DASHBOARD_DAYS - 1) * DAY_MS - 1);
    await place({}, today - 45 * DAY_MS);
    // Only the seeder writes orders into past days (and it clears the stored days); so this one is placed before the first read.
    jpy = await place({ currency: 'JPY', items: [{ sku: 'JP-1', quantity: 1, unitPrice: 5000, tax: 0 }], shippingCost: 0 }, today - 2 * DAY_MS + 60_000);

    const first = await dashboard();
    expect(first.days).toEqual(expectedDays(Date.parse(first.generatedAt)));
    expect(first.days.length).toBeGreaterThanOrEqual(5);
    expect(first.days.map((d) => d.currency)).toEqual(expect.arrayContaining(['USD', 'EUR', 'GBP']));
    // The second answer comes from the stored days and must be the same.
    expect((await dashboard()).days).toEqual(first.days);
    const stored = await t.db.selectFrom('dashboard_days').select(['day_start']).execute();
    expect(stored.length).toBeGreaterThanOrEqual(DASHBOARD_DAYS - 2);
  });

  it('follows an edit that changes the total of an order of a finished day', async () => {
    const old = jpy;
    expect((await dashboard()).days).toContainEqual({ day: new Date(old.createdAt).toISOString().slice(0, 10), currency: 'JPY', orders: 1, revenue: 5000 });
    const res = await t.as('admin', {
      method: 'PATCH', url: `/api/v1/orders/${old.orderId}`, headers: { 'if-match': '"v1"' },
      payload: { items: [{ sku: 'JP-1', quantity: 3, unitPrice: 5000, tax: 0 }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    old.total = res.json().summary.total;
    expect(old.total).toBe(15000);
    const after = await dashboard();
    expect(after.days).toEqual(expectedDays(Date.parse(after.generatedAt)));
    expect(after.days).toContainEqual({ day: new Date(old.createdAt).toISOString().slice(0, 10), currency: 'JPY', orders: 1, revenue: 15000 });
  });

  it('lists every stage with its maintained count and the order waiting longest in it', async () => {
    const base = Date.now() - 10 * DAY_MS;
    const held = [await place({ fraudHold: true }), await place({ fraudHold: true }), await place({ fraudHold: true, currency: 'EUR' })];
    const entered = [base + 5000, base + 1000, base + 1000];
    for (const [i, o] of held.entries()) {
      await t.db.updateTable('orders').set({ stage_entered_at: entered[i]! }).where('order_number', '=', o.orderId).execute();
    }
    const moved = await place();
    const move = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${moved.orderId}/stage`, payload: { stage: 'hold', reason: 'customer asked to wait' } });
    expect(move.statusCode, move.body).toBe(200);

    const { stages } = await dashboard();
    expect(stages.map((s) => s.stage)).toEqual([...STAGES]);
    const counts = (await t.as('read_only', { method: 'GET', url: '/api/v1/stages' })).json() as { stage: string; count: number }[];
    expect(stages.map((s) => s.count)).toEqual(counts.map((c) => c.count));

    // Two waited equally long: the one placed first (lower id) is the oldest.
    const fraud = stages.find((s) => s.stage === 'fraud_review')!;
    expect(fraud).toMatchObject({ label: 'Fraud Review', count: 3 });
    const first = await t.db.selectFrom('orders').select(['customer_name', 'total', 'currency']).where('order_number', '=', held[1]!.orderId).executeTakeFirstOrThrow();
    expect(fraud.oldest).toEqual({
      orderId: held[1]!.orderId, customerName: first.customer_name, enteredAt: new Date(base + 1000).toISOString(), total: first.total, currency: first.currency,
    });
    const hold = stages.find((s) => s.stage === 'hold')!;
    expect(hold).toMatchObject({ count: 1, oldest: { orderId: moved.orderId, enteredAt: move.json().stageEnteredAt } });
    expect(stages.find((s) => s.stage === 'quote_sent')).toEqual({ stage: 'quote_sent', label: 'Quote Sent', count: 0, oldest: null });
  });

  it('needs a signed-in caller with orders:view', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/dashboard' })).statusCode).toBe(401);
    const owner = await t.db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow();
    const { key } = await createApiKey(t.db, { userId: owner.id, name: 'catalog only', permissions: ['catalog:view'] });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/dashboard', headers: { authorization: `Bearer ${key}` } });
    expect(res.json()).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const schema = doc.paths['/api/v1/dashboard'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(['days', 'stages', 'generatedAt']);
  });
});

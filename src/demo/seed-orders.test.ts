import { beforeAll, expect, it } from 'vitest';
import { isPostgres } from '../db/database.js';
import { createOrder } from '../orders/create-order.js';
import type { Address } from '../orders/order-input.js';
import { normalizePhone } from '../orders/order-input.js';
import { computeSummary } from '../orders/order-totals.js';
import { termsForOrder } from '../search/search-terms.js';
import { SYSTEM_ACTOR } from '../shared/actor.js';
import { routeNewOrder } from '../stages/routing.js';
import { type PaymentMethod, type PaymentStatus, STAGES } from '../stages/stages.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { seedOrders } from './seed-orders.js';

const N = 2000;
const settings = { orderNumberPrefix: 'OD-', gateway: 'sandbox', cardMode: 'sale' as const };
const seqOf = (orderNumber: string) => Number(orderNumber.slice(settings.orderNumberPrefix.length));

describeEachDatabase('seedOrders', (get) => {
  let before: string[] = [];
  let after = '';

  beforeAll(async () => {
    const { db } = get();
    before = await db.transaction().execute(async (trx) => [
      (await createOrder(trx, orderInput(), SYSTEM_ACTOR, settings)).orderNumber,
      (await createOrder(trx, orderInput(), SYSTEM_ACTOR, settings)).orderNumber,
    ]);
    // Small batches so the run crosses several transactions.
    const result = await seedOrders(db, { orders: N, batchSize: 700, orderNumberPrefix: settings.orderNumberPrefix });
    expect(result.orders).toBe(N);
    after = (await db.transaction().execute((trx) => createOrder(trx, orderInput(), SYSTEM_ACTOR, settings))).orderNumber;
  }, 120_000);

  it('fills every stage, and stage_counts agree with the orders table', async () => {
    const { db } = get();
    const actual = await db.selectFrom('orders').select(['stage', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('stage').execute();
    const counted = await db.selectFrom('stage_counts').select(['stage', (eb) => eb.fn.sum<number>('count').as('n')]).groupBy('stage').execute();
    const byStage = new Map(actual.map((r) => [r.stage, Number(r.n)]));
    for (const stage of STAGES) expect(byStage.get(stage) ?? 0, stage).toBeGreaterThan(0);
    expect(new Map(counted.map((r) => [r.stage, Number(r.n)]))).toEqual(byStage);
    expect([...byStage.values()].reduce((a, b) => a + b, 0)).toBe(N + 3);
  });

  it('continues the order-number sequence without duplicates', async () => {
    const { db } = get();
    const numbers = (await db.selectFrom('orders').select('order_number').execute()).map((r) => r.order_number);
    expect(new Set(numbers).size).toBe(numbers.length);
    const seeded = numbers.filter((n) => !before.includes(n) && n !== after).map(seqOf);
    expect(Math.min(...seeded)).toBeGreaterThan(Math.max(...before.map(seqOf)));
    expect(seqOf(after)).toBeGreaterThan(Math.max(...seeded));
  });

  it('writes the same search terms, totals and entry stage the order writer would', async () => {
    const { db } = get();
    const sample = await db.selectFrom('orders').selectAll().where('order_number', 'not in', [...before, after]).orderBy('id').execute();
    for (const row of sample.filter((_, i) => i % 37 === 0)) {
      const items = await db.selectFrom('order_items').selectAll().where('order_id', '=', row.id).orderBy('line_no').execute();
      const billing = JSON.parse(row.billing_json) as Address;
      const shipping = JSON.parse(row.shipping_json) as Address;
      const expected = termsForOrder({
        orderNumber: row.order_number, email: row.customer_email, addresses: row.billing_json === row.shipping_json ? [billing] : [billing, shipping],
        skus: items.map((i) => i.sku), tags: JSON.parse(row.tags_json), customFields: JSON.parse(row.custom_fields_json),
      });
      const stored = await db.selectFrom('order_search_terms').selectAll().where('order_id', '=', row.id).execute();
      const key = (t: { term: string; kind: string }) => `${t.kind}:${t.term}`;
      expect(stored.map(key).sort(), row.order_number).toEqual(expected.map(key).sort());
      expect(stored.every((t) => t.created_at === row.created_at)).toBe(true);

      const itemTax = items.reduce((sum, i) => sum + i.tax, 0);
      const summary = computeSummary(items.map((i) => ({ quantity: i.quantity, unitPrice: i.unit_price, discount: i.discount, tax: i.tax })), row.shipping_total, row.tax_total - itemTax);
      expect(summary).toMatchObject({ subtotal: row.subtotal, discount: row.discount_total, total: row.total });
      expect(row.tax_total).toBeGreaterThanOrEqual(itemTax);

      const history = await db.selectFrom('order_history').selectAll().where('order_id', '=', row.id).orderBy('id').execute();
      const entry = routeNewOrder({
        paymentMethod: row.payment_method as PaymentMethod, paymentStatus: row.payment_status as PaymentStatus, fraudHold: row.fraud_hold === 1,
        hasPreorderItems: items.some((i) => i.preorder === 1), hasShippable: items.some((i) => i.shippable === 1),
        paymentIntake: JSON.parse(row.payment_json).reference ? 'submitted' : 'none',
      });
      expect(history[0]).toMatchObject({ kind: 'created', to_stage: entry.stage, reason: entry.reason });
      expect(history.at(-1)!.to_stage).toBe(row.stage);
      expect(row.version).toBe(history.length);
      if (billing.phone) expect(normalizePhone(billing.phone, billing.country, '/phone')).toBe(billing.phone);
    }
  });

  it('counts each customer\'s orders', async () => {
    const { db } = get();
    const mismatches = await db
      .selectFrom('customers as c')
      .leftJoin('orders as o', 'o.customer_id', 'c.id')
      .select(['c.email', 'c.order_count', (eb) => eb.fn.count<number>('o.id').as('orders')])
      .groupBy(['c.id', 'c.email', 'c.order_count'])
      .execute();
    expect(mismatches.filter((r) => Number(r.orders) !== Number(r.order_count))).toEqual([]);
    expect(mismatches.some((r) => Number(r.order_count) > 1)).toBe(true); // repeat buyers exist
  });

  it('mixes currencies, payment methods and channels', async () => {
    const { db } = get();
    const distinct = async (column: 'currency' | 'payment_method' | 'channel' | 'payment_status') =>
      new Set((await db.selectFrom('orders').select(column).distinct().execute()).map((r) => r[column] as string));
    expect(await distinct('currency')).toEqual(new Set(['USD', 'EUR', 'GBP', 'JPY']));
    expect((await distinct('payment_method')).size).toBeGreaterThanOrEqual(8);
    expect((await distinct('payment_status')).size).toBeGreaterThanOrEqual(5);
    expect((await distinct('channel')).size).toBeGreaterThanOrEqual(5);
    const catalog = await db.selectFrom('catalog_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(catalog.n)).toBeGreaterThanOrEqual(2000);
  });

  it('adds to a database that already has seeded orders', async () => {
    const { db } = get();
    const count = async () => Number((await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const n = await count();
    await seedOrders(db, { orders: 50, orderNumberPrefix: settings.orderNumberPrefix });
    expect(await count()).toBe(n + 50);
    if (isPostgres(db)) return;
    const counter = await db.selectFrom('counters').select('value').where('name', '=', 'order_number').executeTakeFirstOrThrow();
    const max = await db.selectFrom('orders').select((eb) => eb.fn.max('order_number').as('m')).executeTakeFirstOrThrow();
    expect(`${settings.orderNumberPrefix}${counter.value}`).toBe(max.m);
  });
});

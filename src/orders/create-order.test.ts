import { beforeAll, expect, it } from 'vitest';
import { forgetAverageOrderTotals } from '../fraud/average-order-total.js';
import { SYSTEM_ACTOR } from '../shared/actor.js';
import { describeEachDatabase, statementsExecuted } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { createOrder } from './create-order.js';

const settings = { orderNumberPrefix: 'OD-', gateway: 'sandbox', cardMode: 'sale' as const };
/** An item the storefront sends by SKU alone: its price comes from the catalog. */
const bySku = (sku: string) => orderInput({ items: [{ sku, quantity: 1 }], shippingCost: 0, payment: { method: 'check' } });

describeEachDatabase('createOrder', (get) => {
  beforeAll(async () => {
    const { db } = get();
    const now = Date.now();
    const item = { currency: 'USD', weight_grams: 1_000, shippable: 1, preorder: 0, inventory: 5, created_at: now, updated_at: now };
    await db.insertInto('catalog_items').values([
      { ...item, sku: 'EASEL-1', description: 'Field easel', price: 4_500 },
      { ...item, sku: 'PRESS-1', description: 'Etching press', price: 60_000 },
    ]).execute();
    // A trailing average of $100.00 over 100 orders, so the total-over-average rule has something to compare with.
    const day = Math.floor(now / 86_400_000) * 86_400_000 - 86_400_000;
    await db.insertInto('dashboard_days').values({
      day_start: day, generation: 0, computed_generation: 0, computed_at: now,
      figures_json: JSON.stringify([{ currency: 'USD', orders: 100, revenue: 1_000_000 }]),
    }).execute();
    forgetAverageOrderTotals(db);
  });

  // The fraud look-up is sent before the items are priced; the total rule must still see the priced total.
  it('scores fraud on the total priced from the catalog', async () => {
    const { db } = get();
    const [cheap, dear] = await db.transaction().execute(async (trx) => [
      await createOrder(trx, bySku('EASEL-1'), SYSTEM_ACTOR, settings),
      await createOrder(trx, bySku('PRESS-1'), SYSTEM_ACTOR, settings),
    ]);
    expect(cheap.asWritten().summary.total).toBe(4_500);
    expect(cheap.fraud?.contributions.map((c) => c.rule)).not.toContain('total_over_average');
    expect(dear.asWritten().summary.total).toBe(60_000);
    expect(dear.fraud?.contributions).toContainEqual(expect.objectContaining({ rule: 'total_over_average', detail: expect.stringContaining('total $600.00') }));
    const stored = await db.selectFrom('orders').select(['total', 'fraud_reasons_json']).where('order_number', '=', dear.orderNumber).executeTakeFirstOrThrow();
    expect(stored.total).toBe(60_000);
    expect(stored.fraud_reasons_json).toContain('total_over_average');
  });

  it('refuses an unknown SKU without a price, and writes nothing', async () => {
    const { db } = get();
    const before = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await expect(db.transaction().execute((trx) => createOrder(trx, bySku('NOT-IN-CATALOG'), SYSTEM_ACTOR, settings)))
      .rejects.toMatchObject({ field: '/items/0/unitPrice' });
    const after = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  // Each statement on PostgreSQL is a network round trip and a wake-up of the server process: on the order
  // path those cost more than the statements themselves (db/statement-batch.ts).
  it('on PostgreSQL, reads everything it needs in one statement and writes in one more', async () => {
    const { db, dialect } = get();
    if (dialect !== 'postgres') return;
    await db.transaction().execute(async (trx) => {
      await createOrder(trx, bySku('EASEL-1'), SYSTEM_ACTOR, settings); // settings and averages cached, statements prepared
      const before = await statementsExecuted(trx);
      await createOrder(trx, bySku('EASEL-1'), SYSTEM_ACTOR, settings);
      expect(await statementsExecuted(trx) - before).toBe(2);
    });
  });
});

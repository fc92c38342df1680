import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import type { CreateOrderInput } from './orders.schemas.js';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const regular = { sku: 'NOW-1', description: 'In stock', quantity: 1, unitPrice: 1000 };
const soon = (expectedDate?: string) => ({ sku: 'SOON-1', description: 'Out soon', quantity: 1, unitPrice: 2500, preorder: true, ...(expectedDate && { expectedDate }) });

/** A pre-order line says when its item is expected, as the catalog requires; a new order's date may not have passed. */
describeEachDatabase('pre-order lines and their expected dates', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const place = (items: CreateOrderInput['items']) => t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ items }) });
  const patch = (orderId: string, payload: Record<string, unknown>) => t.as('admin', { method: 'PATCH', url: `/api/v1/orders/${orderId}`, payload });

  it('refuses a new order with a pre-order line that has no date, or a date already past', async () => {
    const none = await place([regular, soon()]);
    expect(none.json(), none.body).toMatchObject({ status: 400, code: 'validation_failed', field: '/items/1/expectedDate' });
    const past = await place([soon(day(-1))]);
    expect(past.json(), past.body).toMatchObject({ status: 400, field: '/items/0/expectedDate', detail: expect.stringContaining('has passed') });
    for (const date of [day(0), day(30)]) {
      const res = await place([soon(date)]);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ stage: 'pre_ordered', items: [{ preorder: true, expectedDate: date }] });
    }
  });

  it('takes a catalog pre-order whose date has slipped past: the catalog is the merchant\'s to correct', async () => {
    const sku = `LATE-${process.pid}`;
    const item = await t.as('admin', { method: 'POST', url: '/api/v1/items', payload: { sku, description: 'Late', price: 900, currency: 'USD', preorder: true, expectedDate: day(-3) } });
    expect(item.statusCode, item.body).toBe(201);
    const res = await place([{ sku, quantity: 1 }]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ stage: 'pre_ordered', items: [{ sku, preorder: true, expectedDate: day(-3) }] });
  });

  it('keeps editing an old order whose pre-order date has passed since, and checks lines newly made pre-orders', async () => {
    const placed = await place([soon(day(10)), regular]);
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    // Time passes: the stored date is now in the past.
    const passed = day(-20);
    const { id } = await t.db.selectFrom('orders').select('id').where('order_number', '=', order.orderId).executeTakeFirstOrThrow();
    await t.db.updateTable('order_items').set({ expected_date: passed }).where('order_id', '=', id).where('preorder', '=', 1).execute();

    const kept = await patch(order.orderId, { items: [soon(passed), { ...regular, quantity: 2 }], version: 1 });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json().items).toMatchObject([{ expectedDate: passed }, { quantity: 2 }]);
    const version = kept.json().version as number;

    const newlyPreorder = await patch(order.orderId, { items: [soon(passed), { ...regular, quantity: 2, preorder: true }], version });
    expect(newlyPreorder.json(), newlyPreorder.body).toMatchObject({ status: 400, field: '/items/1/expectedDate' });
    const newPastDate = await patch(order.orderId, { items: [soon(day(-1)), { ...regular, quantity: 2 }], version });
    expect(newPastDate.json(), newPastDate.body).toMatchObject({ status: 400, field: '/items/0/expectedDate' });
    const dated = await patch(order.orderId, { items: [soon(passed), { ...regular, quantity: 2, preorder: true, expectedDate: day(5) }], version });
    expect(dated.statusCode, dated.body).toBe(200);
  });
});

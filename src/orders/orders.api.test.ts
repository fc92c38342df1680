import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';

describeEachDatabase('orders API', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  it('creates a paid shippable order in the Shipping Department with computed totals', async () => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput() });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order.orderId).toMatch(/^OD-\d+$/);
    expect(order.stage).toBe('shipping_department');
    expect(order.summary).toEqual({ subtotal: 3998, discount: 0, shipping: 500, tax: 400, total: 4898, refunded: 0 });
    expect(order.billing.phone).toBe('+442079460958');
    expect(order.history).toHaveLength(1);
    expect(order.history[0]).toMatchObject({ kind: 'created', to: 'shipping_department' });
    expect(res.headers.etag).toBe('"v1"');
    const again = await t.as('read_only', { method: 'GET', url: `/api/v1/orders/${order.orderId}` });
    expect(again.json().orderId).toBe(order.orderId);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../outbox/outbox.repository.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../test-support/payments.js';

type Item = { sku: string; quantity: number; unitPrice: number; tax?: number; description?: string };
const book = (quantity: number, tax: number): Item => ({ sku: 'BOOK-1', description: 'Notes', quantity, unitPrice: 1000, tax });
const mug = (quantity: number, tax: number): Item => ({ sku: 'MUG-1', description: 'Mug', quantity, unitPrice: 800, tax });

describeEachDatabase('editing the items of a paid, refunded order', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let placed = 0;
  /** A card order the sandbox approves, with shipping 500 + 50 tax. */
  const place = async (items: Item[]) => {
    placed += 1;
    const customer = { email: `edit-refunded-${placed}-${Math.random().toString(36).slice(2, 8)}@example.com`, ip: `198.51.101.${placed}` };
    const res = await env.t.as('admin', {
      method: 'POST', url: '/api/v1/orders', payload: orderInput({ customer, items, shippingCost: 500, shippingTax: 50, payment: (await env.card()) as never }),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().payment.status).toBe('processed');
    return res.json() as { orderId: string; version: number };
  };
  const refund = async (orderId: string, items: { lineNo: number; quantity: number }[]) => {
    const res = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${orderId}/refunds`, payload: { reason: 'damaged in transit', method: 'gateway', items } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const read = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();
  const patch = async (orderId: string, payload: Record<string, unknown>) =>
    env.t.as('admin', { method: 'PATCH', url: `/api/v1/orders/${orderId}`, payload: { ...payload, version: (await read(orderId)).version } });
  const preview = (orderId: string, items: { lineNo: number; quantity: number }[]) =>
    env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${orderId}/refunds/preview`, payload: { items } });

  it('keeps the refunded unit on the line that replaces it, so it cannot be refunded again', async () => {
    const order = await place([book(2, 100)]);
    expect((await refund(order.orderId, [{ lineNo: 1, quantity: 1 }])).payments).toMatchObject({ paid: 2650, refunded: 1050 });

    const shipping = await patch(order.orderId, { shippingCost: 0, shippingTax: 0 });
    expect(shipping.statusCode, shipping.body).toBe(200);
    expect(shipping.json().history.at(-1)).toMatchObject({
      kind: 'updated', changes: ['shippingCost', 'shippingTax'], reason: 'shipping cost $5.00 → $0.00; shipping tax $0.50 → $0.00; total $26.50 → $21.00',
    });
    const res = await patch(order.orderId, { items: [{ sku: 'BOOK-1', quantity: 1, unitPrice: 1000, tax: 50 }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toMatchObject([{ lineNo: 1, sku: 'BOOK-1', quantity: 1, tax: 50, quantityRefunded: 1, quantityShipped: 0 }]);
    expect(res.json().summary).toMatchObject({ total: 1050, refunded: 1050 });

    const again = await preview(order.orderId, [{ lineNo: 1, quantity: 1 }]);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ field: '/items/0/quantity' });
    expect(again.json().detail).toContain('0 of 1 left to refund');
  });

  it('refuses (409) a quantity below what was refunded, naming the line field, and changes nothing', async () => {
    const order = await place([book(3, 150)]);
    await refund(order.orderId, [{ lineNo: 1, quantity: 2 }]);
    const before = await read(order.orderId);
    const res = await patch(order.orderId, { items: [book(1, 50)] });
    expect(res.json()).toMatchObject({ status: 409, code: 'not_editable', field: '/items/0/quantity' });
    expect(res.json().detail).toContain('2 units of line 1 (BOOK-1) are refunded');
    expect(await read(order.orderId)).toEqual(before);
    // Down to exactly the refunded units is allowed: the line keeps them.
    const ok = await patch(order.orderId, { items: [book(2, 100)] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().items).toMatchObject([{ quantity: 2, quantityRefunded: 2 }]);
  });

  it('refuses (409) removing a line with refunded units, or giving its line number to another SKU', async () => {
    const order = await place([book(1, 50), mug(2, 80)]);
    await refund(order.orderId, [{ lineNo: 2, quantity: 1 }]);
    const removed = await patch(order.orderId, { items: [book(1, 50)] });
    expect(removed.json()).toMatchObject({ status: 409, code: 'not_editable', field: '/items' });
    expect(removed.json().detail).toContain('line 2 (MUG-1)');
    const renamed = await patch(order.orderId, { items: [book(1, 50), { ...mug(2, 80), sku: 'MUG-2' }] });
    expect(renamed.json()).toMatchObject({ status: 409, code: 'not_editable', field: '/items/1/sku' });
    // Dropping line 1 would renumber the refunded line: refused too, as the refund names it line 2.
    const shifted = await patch(order.orderId, { items: [mug(2, 80)] });
    expect(shifted.json()).toMatchObject({ status: 409, code: 'not_editable', field: '/items' });
    expect(shifted.json().detail).toContain('the lines before it cannot be removed');
    // Adding a line after it, and changing the line without refunds, is fine.
    const ok = await patch(order.orderId, { items: [book(2, 100), mug(3, 120), { sku: 'PEN-1', quantity: 1, unitPrice: 300 }] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().items.map((i: { quantityRefunded: number }) => i.quantityRefunded)).toEqual([0, 1, 0]);
  });

  it('refuses (409) a new price for refunded units: what they were refunded at must stay what they are worth', async () => {
    const order = await place([book(2, 100)]);
    await refund(order.orderId, [{ lineNo: 1, quantity: 1 }]);
    const price = await patch(order.orderId, { items: [{ ...book(2, 100), unitPrice: 900 }] });
    expect(price.json()).toMatchObject({ status: 409, code: 'not_editable', field: '/items/0/unitPrice' });
    const tax = await patch(order.orderId, { items: [book(2, 60)] });
    expect(tax.json()).toMatchObject({ status: 409, code: 'not_editable', field: '/items/0/tax' });
  });

  describe('the history of a money edit', () => {
    it('records the values before and after, on the history row and the order.updated event', async () => {
      const order = await place([book(2, 100)]);
      const res = await patch(order.orderId, { shippingCost: 0, shippingTax: 0, items: [book(1, 50)], tags: ['late'] });
      expect(res.statusCode, res.body).toBe(200);
      const row = res.json().history.filter((h: { kind: string }) => h.kind === 'updated').at(-1);
      expect(row.changes).toEqual(['items', 'shippingCost', 'shippingTax', 'tags']);
      expect(row.reason).toBe('items: line 1 BOOK-1 2 × $10.00, tax $1.00 → 1 × $10.00, tax $0.50; shipping cost $5.00 → $0.00; '
        + 'shipping tax $0.50 → $0.00; total $26.50 → $10.50');
      const event = (await listEventsFor(env.t.db, 'order', order.orderId)).filter((e) => e.topic === 'order.updated').at(-1)!;
      expect(JSON.parse(event.payload_json)).toEqual({
        orderId: order.orderId,
        changes: ['items', 'shippingCost', 'shippingTax', 'tags'],
        values: {
          items: {
            before: [{ lineNo: 1, sku: 'BOOK-1', quantity: 2, unitPrice: 1000, discount: 0, tax: 100 }],
            after: [{ lineNo: 1, sku: 'BOOK-1', quantity: 1, unitPrice: 1000, discount: 0, tax: 50 }],
          },
          shippingCost: { before: 500, after: 0 },
          shippingTax: { before: 50, after: 0 },
          total: { before: 2650, after: 1050 },
        },
      });
    });

    it('keeps an edit of other fields as it was: the names only, no values', async () => {
      const order = await place([book(1, 50)]);
      const res = await patch(order.orderId, { tags: ['late'] });
      const row = res.json().history.at(-1);
      expect(row).toMatchObject({ kind: 'updated', changes: ['tags'], reason: null });
      const event = (await listEventsFor(env.t.db, 'order', order.orderId)).filter((e) => e.topic === 'order.updated').at(-1)!;
      expect(JSON.parse(event.payload_json)).toEqual({ orderId: order.orderId, changes: ['tags'] });
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../outbox/outbox.repository.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import type { CreateOrderInput } from './orders.schemas.js';

let n = 0;
const uniqueEmail = (label: string) => `${label}.${process.pid}.${++n}@example.com`;

describeEachDatabase('editing an order', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const create = async (overrides: Partial<CreateOrderInput> = {}) => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput(overrides) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const patch = (orderId: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.as('admin', { method: 'PATCH', url: `/api/v1/orders/${orderId}`, payload, headers });
  const read = async (orderId: string) => (await t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();
  const topics = async (orderId: string) => (await listEventsFor(t.db, 'order', orderId)).map((e) => e.topic);
  const customer = async (email: string) => {
    const res = await t.as('admin', { method: 'GET', url: `/api/v1/customers?emailPrefix=${encodeURIComponent(email)}` });
    return (res.json() as { items: { id: number; email: string; orderCount: number }[] }).items.find((c) => c.email === email);
  };
  const tagHistory = (order: { history: { kind: string; changes: string[] }[] }) => order.history.filter((h) => h.kind === 'tags').map((h) => h.changes);

  describe('a changed customer email', () => {
    it('links the order to the customer with that email, creating one if needed, and moves the order between their counts', async () => {
      const first = uniqueEmail('first');
      const order = await create({ customer: { email: first } });
      const firstCustomer = await customer(first);
      expect(firstCustomer).toMatchObject({ orderCount: 1 });
      expect(order.customer.id).toBe(firstCustomer!.id);

      const second = uniqueEmail('second');
      const moved = await patch(order.orderId, { customerEmail: second.toUpperCase(), version: 1 });
      expect(moved.statusCode, moved.body).toBe(200);
      const secondCustomer = await customer(second);
      expect(secondCustomer).toMatchObject({ orderCount: 1 });
      expect(moved.json().customer).toMatchObject({ id: secondCustomer!.id, email: second });
      expect(await customer(first)).toMatchObject({ orderCount: 0 });
      // Created from the order, as order intake creates a customer.
      const made = (await t.as('admin', { method: 'GET', url: `/api/v1/customers/${secondCustomer!.id}` })).json();
      expect(made).toMatchObject({ firstName: order.billing.firstName, lastName: order.billing.lastName, billing: order.billing });

      // An existing customer (already with an order of their own) is found, not created again.
      const third = uniqueEmail('third');
      await create({ customer: { email: third } });
      const again = await patch(order.orderId, { customerEmail: third, version: 2 });
      expect(again.statusCode, again.body).toBe(200);
      const thirdCustomer = await customer(third);
      expect(thirdCustomer).toMatchObject({ orderCount: 2 });
      expect(again.json().customer.id).toBe(thirdCustomer!.id);
      expect(await customer(second)).toMatchObject({ orderCount: 0 });
      expect(again.json().history.filter((h: { kind: string }) => h.kind === 'updated').map((h: { changes: string[] }) => h.changes))
        .toEqual([['customerEmail'], ['customerEmail']]);
    });

    it('moves orders between two customers in both directions at once without a failure, and the counts add up', async () => {
      const [a, b] = [uniqueEmail('swap-a'), uniqueEmail('swap-b')];
      const fromA = await Promise.all([1, 2, 3].map(() => create({ customer: { email: a } })));
      const fromB = await Promise.all([1, 2, 3].map(() => create({ customer: { email: b } })));
      const results = await Promise.all([
        ...fromA.map((o) => patch(o.orderId, { customerEmail: b, version: 1 })),
        ...fromB.map((o) => patch(o.orderId, { customerEmail: a, version: 1 })),
      ]);
      expect(results.map((r) => r.statusCode), results.map((r) => r.body.slice(0, 200)).join('\n')).toEqual(Array(6).fill(200));
      expect(await customer(a)).toMatchObject({ orderCount: 3 });
      expect(await customer(b)).toMatchObject({ orderCount: 3 });
    });

    it('changes no customer when the edit is refused later in the same transaction', async () => {
      const first = uniqueEmail('kept');
      const order = await create({ customer: { email: first } });
      const other = uniqueEmail('never');
      const refused = await patch(order.orderId, {
        customerEmail: other, items: [{ sku: 'BOOK-9', quantity: 1, unitPrice: 100, discount: 101 }], version: 1,
      });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(await customer(first)).toMatchObject({ orderCount: 1 });
      expect(await customer(other)).toBeUndefined();
      expect(await read(order.orderId)).toMatchObject({ customer: { email: first }, version: 1 });
    });
  });

  describe('an edit that changes nothing', () => {
    it('writes nothing for a PATCH with only the version: no new version, history row or event', async () => {
      const order = await create();
      const res = await patch(order.orderId, { version: 1 });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.json()).toEqual(await read(order.orderId));
      expect(res.json()).toMatchObject({ version: 1, history: [expect.objectContaining({ kind: 'created' })] });
      expect(res.json().history).toHaveLength(1);
      expect(await topics(order.orderId)).toEqual(['order.created']);
    });

    it('writes nothing when every field sent equals what the order holds', async () => {
      const email = uniqueEmail('same');
      const order = await create({ customer: { email }, tags: ['vip', 'gift'], customFields: { custom1: 'PO-1' } });
      const res = await patch(order.orderId, {
        billing: order.billing, shipping: order.shipping, customerEmail: email.toUpperCase(),
        items: order.items.map((i: Record<string, unknown>) => ({ sku: i.sku, description: i.description, quantity: i.quantity, unitPrice: i.unitPrice, tax: i.tax })),
        shippingCost: order.summary.shipping, shippingTax: 0, tags: ['GIFT', 'Vip'], customFields: { custom1: ' PO-1 ' },
      }, { 'if-match': '"v1"' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ version: 1, tags: ['vip', 'gift'] });
      expect(res.json().history).toHaveLength(1);
      expect(await topics(order.orderId)).toEqual(['order.created']);
      expect(await customer(email)).toMatchObject({ orderCount: 1 });
    });

    it('still refuses a stale version, even when nothing would change', async () => {
      const order = await create();
      expect((await patch(order.orderId, { customFields: { custom1: 'x' }, version: 1 })).statusCode).toBe(200);
      expect((await patch(order.orderId, { version: 1 })).json()).toMatchObject({ status: 409, code: 'version_conflict', field: '/version' });
      expect((await patch(order.orderId, { customFields: { custom1: 'x' } }, { 'if-match': '"v1"' })).json()).toMatchObject({ status: 412, code: 'precondition_failed' });
      expect((await read(order.orderId)).version).toBe(2);
    });

    it('lets a completed order be sent its items back unchanged with another change, and names what does change', async () => {
      const order = await create({ items: [{ sku: 'EBOOK', quantity: 1, unitPrice: 900, shippable: false }] });
      expect(order.stage).toBe('completed_order');
      const items = [{ sku: 'EBOOK', quantity: 1, unitPrice: 900, shippable: false }];
      const ok = await patch(order.orderId, { items, shippingCost: 500, tags: ['late'] }, { 'if-match': '"v1"' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().history.at(-1)).toMatchObject({ kind: 'updated', changes: ['tags'] });
      const tax = await patch(order.orderId, { items, shippingTax: 10 }, { 'if-match': '"v2"' });
      expect(tax.json()).toMatchObject({ status: 409, code: 'not_editable', field: '/shippingTax' });
    });
  });

  describe('tags, compared without case', () => {
    it('keeps one of each tag at creation, in the case written first', async () => {
      const order = await create({ tags: ['vip', 'VIP', ' Gift', 'gift '] });
      expect(order.tags).toEqual(['vip', 'Gift']);
      expect((await read(order.orderId)).tags).toEqual(['vip', 'Gift']);
    });

    it('adds a tag already there in another case as a no-op, and removes a tag whatever the case', async () => {
      const order = await create({ tags: ['vip'] });
      const tagsUrl = `/api/v1/orders/${order.orderId}/tags`;
      const same = await t.as('admin', { method: 'POST', url: tagsUrl, payload: { tags: ['VIP', 'Vip'] } });
      expect(same.statusCode, same.body).toBe(200);
      expect(same.json()).toMatchObject({ tags: ['vip'], version: 1 });
      expect(tagHistory(same.json())).toEqual([]);
      const added = await t.as('admin', { method: 'POST', url: tagsUrl, payload: { tags: ['Rush', 'VIP'] } });
      expect(added.json().tags).toEqual(['vip', 'Rush']);
      const removed = await t.as('admin', { method: 'DELETE', url: `${tagsUrl}/VIP` });
      expect(removed.statusCode, removed.body).toBe(200);
      expect(removed.json().tags).toEqual(['Rush']);
      expect(tagHistory(removed.json())).toEqual([['+Rush'], ['-vip']]);
      const events = (await listEventsFor(t.db, 'order', order.orderId)).filter((e) => e.topic === 'order.tags_changed');
      expect(events.map((e) => JSON.parse(e.payload_json))).toMatchObject([{ added: ['Rush'], removed: [] }, { added: [], removed: ['vip'] }]);
    });

    it('replaces the tags on PATCH without case duplicates, keeping the case of tags already there', async () => {
      const order = await create({ tags: ['vip', 'gift'] });
      const res = await patch(order.orderId, { tags: ['GIFT', 'new', 'NEW'], version: 1 });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ tags: ['gift', 'new'], version: 2 });
      expect(res.json().history.at(-1)).toMatchObject({ kind: 'updated', changes: ['tags'] });
      // The tag filter matches whatever the case (search-terms.ts folds tags as it indexes them).
      const found = await t.as('admin', { method: 'GET', url: `/api/v1/orders?tag=GiFt&limit=200` });
      expect(found.statusCode, found.body).toBe(200);
      expect(found.json().items.map((o: { orderId: string }) => o.orderId)).toContain(order.orderId);
    });
  });

  describe('the total of a paid order', () => {
    const items = (quantity: number) => [{ sku: 'BOOK-1', description: 'Notes', quantity, unitPrice: 1999, tax: 0, shippable: true, preorder: false }];

    it('raised by an edit leaves the difference owed, and the order goes to Accounts Receivable to collect it', async () => {
      const order = await create({ items: items(1), shippingCost: 0 });
      expect(order).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed' } });
      const res = await patch(order.orderId, { items: items(5), version: order.version });
      expect(res.statusCode, res.body).toBe(200);
      const after = await read(order.orderId);
      expect(after.summary.total).toBe(9995);
      expect(after).toMatchObject({ stage: 'accounts_receivable', payment: { status: 'unprocessed' } });
      expect(after.allowedMoves).not.toContain('completed_order');
      const last = after.history.at(-1);
      expect(last).toMatchObject({ kind: 'stage', from: 'shipping_department', to: 'accounts_receivable' });
      expect(last.reason).toContain('$79.96 of the $99.95 total is still owed');
    });

    it('lowered by an edit stays paid and where it was', async () => {
      const order = await create({ items: items(3), shippingCost: 0 });
      const res = await patch(order.orderId, { items: items(2), version: order.version });
      expect(res.statusCode, res.body).toBe(200);
      expect(await read(order.orderId)).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed' }, summary: { total: 3998 } });
    });
  });
});

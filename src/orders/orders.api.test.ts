import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../outbox/outbox.repository.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import type { CreateOrderInput } from './orders.schemas.js';

describeEachDatabase('orders API', (getDb) => {
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
  const move = (orderId: string, stage: string, reason = 'because', role: Parameters<TestApp['as']>[0] = 'admin') =>
    t.as(role, { method: 'POST', url: `/api/v1/orders/${orderId}/stage`, payload: { stage, reason } });

  it('creates a paid shippable order in the Shipping Department with computed totals', async () => {
    const order = await create();
    expect(order.orderId).toMatch(/^OD-\d+$/);
    expect(order.stage).toBe('shipping_department');
    expect(order.summary).toEqual({ subtotal: 3998, discount: 0, shipping: 500, tax: 400, total: 4898, refunded: 0 });
    expect(order.billing.phone).toBe('+442079460958');
    expect(order.shipping).toEqual(order.billing);
    expect(order.payment).toMatchObject({ method: 'credit_card', status: 'processed', card: { brand: 'visa', last4: '4242' } });
    expect(order.history).toEqual([expect.objectContaining({ kind: 'created', to: 'shipping_department', actor: expect.stringMatching(/^api_key:/) })]);
    expect(order.allowedMoves).toEqual(['completed_order', 'hold', 'rejected']);
    const got = await t.as('read_only', { method: 'GET', url: `/api/v1/orders/${order.orderId}` });
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"v1"');
    // The same order; a read-only user may make none of its moves, so none is listed to them.
    expect(got.json()).toEqual({ ...order, allowedMoves: [] });
  });

  it('answers a new order exactly as it then reads, whatever it carries (the answer is built from the rows written)', async () => {
    const variants: Partial<CreateOrderInput>[] = [
      { notes: ['leave at the door', 'gift wrap'], tags: ['vip', 'gift'], customFields: { custom1: 'po-77', custom3: 'x' } },
      { shipping: { firstName: 'Bob', lastName: 'Builder', company: 'Acme', line1: '1 Site Rd', line2: 'Unit 4', city: 'Leeds', region: 'WY', postalCode: 'LS1 1AA', country: 'GB' } },
      { payment: { method: 'check' }, items: [{ sku: 'SVC-1', description: 'Setup', quantity: 1, unitPrice: 5000, discount: 500, shippable: false }] },
      { payment: { method: 'quote_request' } },
      { items: [{ sku: 'PRE-1', description: 'Next year', quantity: 3, unitPrice: 700, tax: 30, preorder: true, expectedDate: '2027-03-01' }] },
      { fraudHold: true, shippingTax: 50 },
      { payment: { method: 'purchase_order', status: 'authorized', reference: 'PO-1' } },
    ];
    for (const variant of variants) {
      const created = await create(variant);
      const got = await t.as('read_only', { method: 'GET', url: `/api/v1/orders/${created.orderId}` });
      expect(got.json(), JSON.stringify(variant)).toEqual({ ...created, allowedMoves: [] }); // read-only: no moves of its own
    }
  });

  it('hands out increasing, unique order numbers', async () => {
    const numbers = await Promise.all(Array.from({ length: 8 }, () => create().then((o) => Number(o.orderId.slice(3)))));
    expect(new Set(numbers).size).toBe(8);
  });

  describe('routing on creation', () => {
    const card = orderInput().payment;
    it.each([
      ['quote request', { payment: { method: 'quote_request' } }, 'quote_request'],
      ['pre-order item', { items: [{ sku: 'SOON', quantity: 1, unitPrice: 100, preorder: true, expectedDate: '2027-03-01' }] }, 'pre_ordered'],
      ['fraud hold', { fraudHold: true }, 'fraud_review'],
      ['declined card', { payment: { ...card, status: 'declined' } }, 'accounts_receivable'],
      ['e-check submitted by the storefront, awaiting clearance', { payment: { method: 'e_check', status: 'unprocessed', reference: 'ach_77' } }, 'pending_clearance'],
      // Nothing submitted means no notification can ever come: Pending Clearance would hold it for good.
      ['e-check with nothing submitted yet', { payment: { method: 'e_check', status: 'unprocessed' } }, 'accounts_receivable'],
      ['PayPal with nothing submitted yet', { payment: { method: 'paypal' } }, 'accounts_receivable'],
      ['check by mail', { payment: { method: 'check' } }, 'accounts_receivable'],
      ['nothing to ship', { items: [{ sku: 'EBOOK', quantity: 1, unitPrice: 900, shippable: false }] }, 'completed_order'],
    ] as [string, Partial<CreateOrderInput>, string][])('%s → %s', async (_name, overrides, stage) => {
      const order = await create(overrides);
      expect(order.stage).toBe(stage);
      expect(order.history[0].reason).toBeTruthy();
    });
  });

  it('moves an order along the stage table, recording who, when and why', async () => {
    const order = await create();
    const moved = await move(order.orderId, 'completed_order', 'delivered by hand');
    expect(moved.statusCode, moved.body).toBe(200);
    const body = moved.json();
    expect(body.stage).toBe('completed_order');
    expect(body.version).toBe(2);
    expect(body.history.at(-1)).toMatchObject({ kind: 'stage', from: 'shipping_department', to: 'completed_order', reason: 'delivered by hand' });
    const events = await listEventsFor(t.db, 'order', order.orderId);
    expect(events.map((e) => e.topic)).toEqual(['order.created', 'order.stage_changed']);
  });

  it('refuses a move the table does not allow with 409 and the allowed targets', async () => {
    const order = await create({ payment: { method: 'check' } });
    const res = await move(order.orderId, 'shipping_department');
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'transition_refused', field: '/stage', allowed: ['fraud_review', 'hold', 'rejected'] });
    const after = await t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}` });
    expect(after.json()).toMatchObject({ stage: 'accounts_receivable', version: 1 });
  });

  it('puts an order on hold and releases it to where it came from', async () => {
    const order = await create({ payment: { method: 'wire' } });
    expect((await move(order.orderId, 'hold', 'address problem')).json()).toMatchObject({ stage: 'hold', holdFromStage: 'accounts_receivable', allowedMoves: ['accounts_receivable', 'rejected'] });
    expect((await move(order.orderId, 'fraud_review')).statusCode).toBe(409);
    expect((await move(order.orderId, 'accounts_receivable', 'address fixed')).json()).toMatchObject({ stage: 'accounts_receivable', holdFromStage: null });
  });

  it('rejects an order, which stays readable, and can un-reject it', async () => {
    const order = await create();
    // The reason is the audit record: whitespace alone is refused, for a reject, a move and a note alike.
    const blank = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/reject`, payload: { reason: ' \t ' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({ field: '/reason', detail: expect.stringContaining('must not be blank') });
    expect((await move(order.orderId, 'hold', '   ')).statusCode).toBe(400);
    expect((await t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/notes`, payload: { body: '  ' } })).statusCode).toBe(400);
    // It was paid: rejecting it would keep the customer's money unnoticed, so that must be said on purpose.
    const unasked = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/reject`, payload: { reason: 'customer cancelled' } });
    expect(unasked.statusCode).toBe(409);
    expect(unasked.json()).toMatchObject({ field: '/keepPayment', detail: expect.stringMatching(/\$\d+\.\d\d was paid and has not been refunded: refund it first/) });
    const viaMove = await move(order.orderId, 'rejected', 'customer cancelled');
    expect(viaMove.json()).toMatchObject({ status: 409, field: '/keepPayment' });
    expect((await t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}` })).json()).toMatchObject({ stage: order.stage, version: order.version });
    const res = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/reject`, payload: { reason: 'customer cancelled', keepPayment: true } });
    // A card order is not un-rejected into Quote Request: it never was a quote.
    expect(res.json()).toMatchObject({ stage: 'rejected', allowedMoves: ['accounts_receivable', 'fraud_review', 'hold'] });
    expect((await move(order.orderId, 'accounts_receivable', 'customer changed their mind')).json().stage).toBe('accounts_receivable');
  });

  it('checks the source department: fulfilment may ship but not work Accounts Receivable', async () => {
    const unpaid = await create({ payment: { method: 'check' } });
    const denied = await move(unpaid.orderId, 'hold', 'x', 'fulfilment');
    expect(denied.statusCode).toBe(403);
    // Fulfilment may not even see Accounts Receivable, and a move says no more than the order's page would.
    expect(denied.json().detail).toContain('accounts_receivable:view');
    const paid = await create();
    expect((await move(paid.orderId, 'completed_order', 'shipped', 'fulfilment')).statusCode).toBe(200);
  });

  it('lets whoever works an order\'s queue note it, and no one else without orders:edit', async () => {
    const note = (orderId: string, role: Parameters<typeof t.as>[0]) =>
      t.as(role, { method: 'POST', url: `/api/v1/orders/${orderId}/notes`, payload: { body: 'address looks wrong' } });
    const shipping = await create();
    expect(shipping.stage).toBe('shipping_department');
    const noted = await note(shipping.orderId, 'fulfilment');
    expect(noted.statusCode, noted.body).toBe(201);
    expect(noted.json().notes.at(-1)).toMatchObject({ body: 'address looks wrong' });
    // An order in a queue fulfilment does not work (or see): refused as its page is, and nothing written.
    const unpaid = await create({ payment: { method: 'check' } });
    const refused = await note(unpaid.orderId, 'fulfilment');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain('accounts_receivable:view');
    expect((await note(shipping.orderId, 'read_only')).statusCode).toBe(403);
    const after = await t.as('admin', { method: 'GET', url: `/api/v1/orders/${unpaid.orderId}` });
    expect(after.json().notes).toEqual([]);
  });

  it('appends merchant notes with author and time', async () => {
    const order = await create({ notes: ['gift wrap please'] });
    const res = await t.as('customer_service', { method: 'POST', url: `/api/v1/orders/${order.orderId}/notes`, payload: { body: 'called the customer' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.notes.map((n: { body: string }) => n.body)).toEqual(['gift wrap please', 'called the customer']);
    expect(body.notes[1].actor).toMatch(/^api_key:\d+ test customer_service$/);
    expect(body.history.at(-1)).toMatchObject({ kind: 'note' });
  });

  it('adds and removes tags, with history', async () => {
    const order = await create({ tags: ['vip'] });
    const added = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/tags`, payload: { tags: ['gift', 'vip'] } });
    expect(added.json().tags).toEqual(['vip', 'gift']);
    const removed = await t.as('admin', { method: 'DELETE', url: `/api/v1/orders/${order.orderId}/tags/vip` });
    expect(removed.json().tags).toEqual(['gift']);
    expect(removed.json().history.filter((h: { kind: string }) => h.kind === 'tags').map((h: { changes: string[] }) => h.changes)).toEqual([['+gift'], ['-vip']]);
  });

  describe('editing', () => {
    it('needs the version it read: 428 without, 412 when stale, and a stale write changes nothing', async () => {
      const order = await create();
      const url = `/api/v1/orders/${order.orderId}`;
      const payload = { customFields: { custom1: 'PO-77' } };
      expect((await t.as('admin', { method: 'PATCH', url, payload })).statusCode).toBe(428);
      const ok = await t.as('admin', { method: 'PATCH', url, payload, headers: { 'if-match': '"v1"' } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.headers.etag).toBe('"v2"');
      const stale = await t.as('admin', { method: 'PATCH', url, payload: { customFields: { custom1: 'lost?' } }, headers: { 'if-match': '"v1"' } });
      expect(stale.statusCode).toBe(412);
      expect(stale.json()).toMatchObject({ code: 'precondition_failed' });
      const staleBody = await t.as('admin', { method: 'PATCH', url, payload: { customFields: { custom1: 'lost?' }, version: 1 } });
      expect(staleBody.statusCode).toBe(409);
      const now = (await t.as('admin', { method: 'GET', url })).json();
      expect(now.customFields).toEqual({ custom1: 'PO-77' });
      expect(now.version).toBe(2);
    });

    it('changes items before shipping and recomputes the totals', async () => {
      const order = await create();
      const res = await t.as('admin', {
        method: 'PATCH', url: `/api/v1/orders/${order.orderId}`, headers: { 'if-match': '"v1"' },
        payload: { items: [{ sku: 'BOOK-2', description: 'Sketch', quantity: 3, unitPrice: 1000, discount: 500, tax: 200 }], shippingCost: 0 },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().summary).toEqual({ subtotal: 3000, discount: 500, shipping: 0, tax: 200, total: 2700, refunded: 0 });
      expect(res.json().history.at(-1)).toMatchObject({ kind: 'updated', changes: ['items', 'shippingCost'] });
    });

    it('refuses item changes once the order is completed', async () => {
      const order = await create({ items: [{ sku: 'EBOOK', quantity: 1, unitPrice: 900, shippable: false }] });
      const res = await t.as('admin', {
        method: 'PATCH', url: `/api/v1/orders/${order.orderId}`, headers: { 'if-match': '"v1"' },
        payload: { items: [{ sku: 'EBOOK', quantity: 2, unitPrice: 900, shippable: false }] },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'not_editable', field: '/items' });
    });

    it('normalises an edited address and refuses a bad country', async () => {
      const order = await create();
      const url = `/api/v1/orders/${order.orderId}`;
      const address = { firstName: 'Grace', lastName: 'Hopper', line1: '1 Navy Yard', city: 'Arlington', region: 'VA', postalCode: '22202', country: 'US', phone: '(703) 555-0100' };
      const bad = await t.as('admin', { method: 'PATCH', url, headers: { 'if-match': '"v1"' }, payload: { shipping: { ...address, country: 'XX' } } });
      expect(bad.json()).toMatchObject({ status: 400, field: '/shipping/country' });
      const ok = await t.as('admin', { method: 'PATCH', url, headers: { 'if-match': '"v1"' }, payload: { shipping: address } });
      expect(ok.json().shipping.phone).toBe('+17035550100');
    });
  });

  describe('outbox events of edits, notes and tags', () => {
    const events = async (orderId: string) => (await listEventsFor(t.db, 'order', orderId)).map((e) => ({
      topic: e.topic, aggregateType: e.aggregate_type, aggregateId: e.aggregate_id, payload: JSON.parse(e.payload_json) as unknown,
      createdAt: Number(e.created_at), delivered: e.delivered_at !== null,
    }));
    const read = async (orderId: string) => (await t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();
    /** The event was written with the change: same instant as the history row it describes, not yet delivered. */
    const expectWrittenWith = (event: { createdAt: number; delivered: boolean } | undefined, history: { at: string }) => {
      expect(event).toBeDefined();
      expect(event!.createdAt).toBe(Date.parse(history.at));
      expect(event!.delivered).toBe(false);
    };

    it('writes order.updated with the changed parts on an edit, and nothing for a refused edit', async () => {
      const order = await create();
      const url = `/api/v1/orders/${order.orderId}`;
      expect((await events(order.orderId)).map((e) => e.topic)).toEqual(['order.created']);
      const address = { firstName: 'Grace', lastName: 'Hopper', line1: '1 Navy Yard', city: 'Arlington', region: 'VA', postalCode: '22202', country: 'US' };

      // Refused at each point of the edit: stale version (before anything), bad country (service check), a discount above the
      // line value (after the new items were written, so only a rolled-back transaction leaves no trace), missing version.
      const refused = [
        [{ customFields: { custom1: 'x' } }, { 'if-match': '"v9"' }, 412],
        [{ shipping: { ...address, country: 'XX' } }, { 'if-match': '"v1"' }, 400],
        [{ items: [{ sku: 'BOOK-9', quantity: 1, unitPrice: 100, discount: 101 }], tags: ['lost'] }, { 'if-match': '"v1"' }, 422],
        [{ customFields: { custom1: 'x' } }, {}, 428],
      ] as const;
      for (const [payload, headers, status] of refused) {
        const res = await t.as('admin', { method: 'PATCH', url, payload, headers });
        expect(res.statusCode, res.body).toBe(status);
      }
      const unchanged = await read(order.orderId);
      expect(unchanged).toEqual({ ...order, allowedMoves: unchanged.allowedMoves });
      expect((await events(order.orderId)).map((e) => e.topic)).toEqual(['order.created']);

      const ok = await t.as('admin', { method: 'PATCH', url, headers: { 'if-match': '"v1"' }, payload: { shipping: address, tags: ['rush'], customFields: { custom2: 'PO-9' } } });
      expect(ok.statusCode, ok.body).toBe(200);
      const all = await events(order.orderId);
      expect(all.map((e) => e.topic)).toEqual(['order.created', 'order.updated']);
      expect(all[1]).toMatchObject({ aggregateType: 'order', aggregateId: order.orderId, payload: { orderId: order.orderId, changes: ['shipping', 'tags', 'customFields'] } });
      expectWrittenWith(all[1], ok.json().history.at(-1));
    });

    it('writes order.note_added for a note', async () => {
      const order = await create();
      const res = await t.as('customer_service', { method: 'POST', url: `/api/v1/orders/${order.orderId}/notes`, payload: { body: '  called the customer  ' } });
      expect(res.statusCode, res.body).toBe(201);
      const all = await events(order.orderId);
      expect(all.map((e) => e.topic)).toEqual(['order.created', 'order.note_added']);
      expect(all[1]).toMatchObject({ aggregateType: 'order', aggregateId: order.orderId, payload: { orderId: order.orderId } });
      expectWrittenWith(all[1], res.json().history.at(-1));
      // A refused note (empty body) writes neither note nor event.
      expect((await t.as('customer_service', { method: 'POST', url: `/api/v1/orders/${order.orderId}/notes`, payload: { body: '' } })).statusCode).toBe(400);
      expect(await events(order.orderId)).toHaveLength(2);
    });

    it('writes order.tags_changed with what was added and removed, and nothing when the tags do not change or are refused', async () => {
      const order = await create({ tags: ['vip'] });
      const tagsUrl = `/api/v1/orders/${order.orderId}/tags`;
      const added = await t.as('admin', { method: 'POST', url: tagsUrl, payload: { tags: ['gift', 'vip', ' rush '] } });
      expect(added.statusCode, added.body).toBe(200);
      const removed = await t.as('admin', { method: 'DELETE', url: `${tagsUrl}/vip` });
      expect(removed.statusCode, removed.body).toBe(200);
      const all = await events(order.orderId);
      expect(all.map((e) => e.topic)).toEqual(['order.created', 'order.tags_changed', 'order.tags_changed']);
      expect(all[1]).toMatchObject({ aggregateType: 'order', aggregateId: order.orderId, payload: { orderId: order.orderId, added: ['gift', 'rush'], removed: [] } });
      expect(all[2]).toMatchObject({ aggregateType: 'order', aggregateId: order.orderId, payload: { orderId: order.orderId, added: [], removed: ['vip'] } });
      expectWrittenWith(all[1], added.json().history.at(-1));
      expectWrittenWith(all[2], removed.json().history.at(-1));

      // No change (already there / not there): no history row, no event. Over 50 tags: refused, nothing written.
      const version = removed.json().version;
      expect((await t.as('admin', { method: 'POST', url: tagsUrl, payload: { tags: ['gift'] } })).statusCode).toBe(200);
      expect((await t.as('admin', { method: 'DELETE', url: `${tagsUrl}/absent` })).statusCode).toBe(200);
      const tooMany = await t.as('admin', { method: 'POST', url: tagsUrl, payload: { tags: Array.from({ length: 49 }, (_, i) => `t${i}`) } });
      expect(tooMany.statusCode, tooMany.body).toBe(400);
      expect(tooMany.json()).toMatchObject({ code: 'validation_failed', field: '/tags' });
      const now = await read(order.orderId);
      expect(now.version).toBe(version);
      expect(now.tags).toEqual(['gift', 'rush']);
      expect(await events(order.orderId)).toHaveLength(3);
    });
  });

  describe('deleting', () => {
    it('deletes test orders only, and only for admins', async () => {
      const real = await create();
      const test = await create({ isTest: true });
      expect((await t.as('manager', { method: 'DELETE', url: `/api/v1/orders/${test.orderId}` })).statusCode).toBe(403);
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/orders/${real.orderId}` })).statusCode).toBe(409);
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/orders/${test.orderId}` })).statusCode).toBe(204);
      expect((await t.as('admin', { method: 'GET', url: `/api/v1/orders/${test.orderId}` })).statusCode).toBe(404);
    });
  });

  it('keeps stage counts in step with creation, moves and deletion', async () => {
    const counts = async () => {
      const rows = await t.db.selectFrom('stage_counts').select(['stage', (eb) => eb.fn.sum<number>('count').as('n')]).groupBy('stage').execute();
      const actual = await t.db.selectFrom('orders').select(['stage', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('stage').execute();
      return { maintained: Object.fromEntries(rows.map((r) => [r.stage, Number(r.n)]).filter(([, n]) => n !== 0)), actual: Object.fromEntries(actual.map((r) => [r.stage, Number(r.n)])) };
    };
    const { maintained, actual } = await counts();
    expect(maintained).toEqual(actual);
  });

  it('answers 404 for an unknown order', async () => {
    const res = await t.as('admin', { method: 'GET', url: '/api/v1/orders/OD-1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../outbox/outbox.repository.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';

let n = 0;
/** A valid catalog item with a SKU no other test uses; override any field. */
const itemInput = (overrides: Record<string, unknown> = {}) => ({
  sku: `SKU-${process.pid}-${++n}`, description: 'Difference Engine No. 2', price: 12_500, currency: 'USD', weightGrams: 1500, inventory: 3, ...overrides,
});

describeEachDatabase('catalog API', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const url = (sku: string) => `/api/v1/items/${encodeURIComponent(sku)}`;
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/items', payload: itemInput(overrides) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  it('creates, reads, edits and deletes an item, with an event for each change', async () => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/items', payload: itemInput({ sku: 'ENGINE-1' }) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe('/api/v1/items/ENGINE-1');
    expect(res.headers.etag).toBe('"v1"');
    const created = res.json();
    expect(created).toMatchObject({
      sku: 'ENGINE-1', description: 'Difference Engine No. 2', price: 12_500, currency: 'USD', weightGrams: 1500,
      shippable: true, preorder: false, expectedDate: null, inventory: 3, version: 1,
    });
    expect(created.createdAt).toMatch(/Z$/);

    const got = await t.as('read_only', { method: 'GET', url: url('ENGINE-1') });
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"v1"');
    expect(got.json()).toEqual({ ...created, waitingPreorders: 0 });

    const edited = await t.as('admin', {
      method: 'PATCH', url: url('ENGINE-1'), headers: { 'if-match': '"v1"' }, payload: { price: 9900, preorder: true, expectedDate: '2027-03-01' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.headers.etag).toBe('"v2"');
    expect(edited.json()).toMatchObject({ price: 9900, preorder: true, expectedDate: '2027-03-01', version: 2 });

    const off = await t.as('admin', { method: 'PATCH', url: url('ENGINE-1'), payload: { preorder: false, version: 2 } });
    expect(off.json()).toMatchObject({ preorder: false, expectedDate: null, version: 3 });

    expect((await t.as('admin', { method: 'DELETE', url: url('ENGINE-1') })).statusCode).toBe(204);
    expect((await t.as('admin', { method: 'GET', url: url('ENGINE-1') })).statusCode).toBe(404);
    const events = await listEventsFor(t.db, 'item', 'ENGINE-1');
    expect(events.map((e) => e.topic)).toEqual(['item.created', 'item.updated', 'item.updated', 'item.deleted']);
    expect(JSON.parse(events[1]!.payload_json)).toMatchObject({ changes: ['price', 'preorder', 'expectedDate'], by: expect.stringMatching(/^api_key:\d+ test admin$/) });
  });

  it('refuses a duplicate SKU with 409 naming /sku', async () => {
    const item = await create();
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/items', payload: itemInput({ sku: item.sku }) });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'conflict', field: '/sku' });
  });

  it('needs the version it read: 428 without, 412/409 when stale, and a stale write changes nothing', async () => {
    const item = await create();
    const path = url(item.sku);
    expect((await t.as('admin', { method: 'PATCH', url: path, payload: { inventory: 10 } })).json()).toMatchObject({ status: 428, code: 'precondition_required' });
    expect((await t.as('admin', { method: 'PATCH', url: path, payload: { inventory: 10 }, headers: { 'if-match': '"v1"' } })).statusCode).toBe(200);
    const stale = await t.as('admin', { method: 'PATCH', url: path, payload: { inventory: 0 }, headers: { 'if-match': '"v1"' } });
    expect(stale.json()).toMatchObject({ status: 412, code: 'precondition_failed', field: 'If-Match' });
    const staleBody = await t.as('admin', { method: 'PATCH', url: path, payload: { inventory: 0, version: 1 } });
    expect(staleBody.json()).toMatchObject({ status: 409, code: 'version_conflict', field: '/version' });
    expect((await t.as('admin', { method: 'DELETE', url: path, headers: { 'if-match': '"v1"' } })).statusCode).toBe(412);
    expect((await t.as('admin', { method: 'GET', url: path })).json()).toMatchObject({ inventory: 10, version: 2 });
  });

  it('writes nothing for a PATCH that changes nothing', async () => {
    const item = await create();
    const res = await t.as('admin', { method: 'PATCH', url: url(item.sku), payload: { price: item.price, version: 1 } });
    expect(res.json()).toMatchObject({ version: 1 });
    expect((await listEventsFor(t.db, 'item', item.sku)).map((e) => e.topic)).toEqual(['item.created']);
  });

  describe('bad input is a 400 naming the field', () => {
    it.each([
      ['unknown currency', { currency: 'XYZ' }, '/currency'],
      ['lower-case currency', { currency: 'usd' }, '/currency'],
      ['negative price', { price: -1 }, '/price'],
      ['fractional price', { price: 12.5 }, '/price'],
      ['negative inventory', { inventory: -3 }, '/inventory'],
      ['pre-order without a date', { preorder: true }, '/expectedDate'],
      ['a date without pre-order', { expectedDate: '2027-01-01' }, '/expectedDate'],
      ['impossible date', { preorder: true, expectedDate: '2027-02-30' }, '/expectedDate'],
      ['blank description', { description: '   ' }, '/description'],
      ['SKU with a slash', { sku: 'A/B' }, '/sku'],
      ['SKU "." (a URL path step)', { sku: '.' }, '/sku'],
      ['SKU ".."', { sku: '..' }, '/sku'],
      ['SKU with a line break', { sku: 'A\nB' }, '/sku'],
      ['unknown field', { colour: 'red' }, '/colour'],
    ])('%s', async (_name, overrides, field) => {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/items', payload: itemInput(overrides) });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', field });
    });

    it('says why a SKU is refused, rather than repeating the pattern', async () => {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/items', payload: itemInput({ sku: '..' }) });
      expect(res.json().detail).toBe('/sku must have no whitespace or "/", and not be "." or "..", so that it can name the item in a URL');
    });

    it('on PATCH too, checking the merged item', async () => {
      const item = await create();
      const bad = await t.as('admin', { method: 'PATCH', url: url(item.sku), headers: { 'if-match': '"v1"' }, payload: { preorder: true } });
      expect(bad.json()).toMatchObject({ status: 400, field: '/expectedDate' });
      const neg = await t.as('admin', { method: 'PATCH', url: url(item.sku), headers: { 'if-match': '"v1"' }, payload: { inventory: -1 } });
      expect(neg.json()).toMatchObject({ status: 400, field: '/inventory' });
      expect((await t.as('admin', { method: 'PATCH', url: url(item.sku), headers: { 'if-match': '"v1"' }, payload: { sku: 'NEW' } })).json()).toMatchObject({ status: 400, field: '/sku' });
    });
  });

  /** As long as a SKU may be (100 characters); of emoji, that is 200 UTF-16 units in the path parameter. */
  const longestSku = (char: string) => `${char.repeat(100 - String(process.pid).length)}${process.pid}`;

  it('addresses SKUs holding URL characters through percent-encoding, as the Location header gives them', async () => {
    for (const sku of [`Q?${process.pid}`, `HASH#${process.pid}`, `100%-${process.pid}`, `%41%2F${process.pid}`, `BACK\\SLASH-${process.pid}`,
      `SEMI;${process.pid}`, `A+B&C=${process.pid}`, `...${process.pid}`, `..${process.pid}`, `UNICODE-É€-${process.pid}`,
      longestSku('#'), longestSku('📦')]) {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/items', payload: itemInput({ sku }) });
      expect(res.statusCode, `${sku}: ${res.body}`).toBe(201);
      const location = res.headers.location as string;
      expect(location).toBe(url(sku));
      expect((await t.as('read_only', { method: 'GET', url: location })).json(), sku).toMatchObject({ sku });
      const edited = await t.as('admin', { method: 'PATCH', url: location, headers: { 'if-match': '"v1"' }, payload: { inventory: 7 } });
      expect(edited.json(), sku).toMatchObject({ sku, inventory: 7, version: 2 });
      expect((await t.as('admin', { method: 'DELETE', url: location })).statusCode, sku).toBe(204);
      expect((await t.as('admin', { method: 'GET', url: location })).statusCode, sku).toBe(404);
    }
  });

  describe('listing', () => {
    const prefix = `PAGE-${process.pid}-`;
    const skus = Array.from({ length: 23 }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
    beforeAll(async () => {
      for (const [i, sku] of [...skus].reverse().entries()) {
        await create({ sku, description: i % 3 === 0 ? `Brass gear ${i}` : `Punched card ${i}`, shippable: i % 2 === 0 });
      }
    });

    const walk = async (query: string, limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.as('read_only', { method: 'GET', url: `/api/v1/items?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}` });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { items: { sku: string }[]; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(limit);
        seen.push(...body.items.map((i) => i.sku));
        cursor = body.nextCursor;
      } while (cursor);
      return seen;
    };

    it('pages through every item exactly once, by SKU and by id', async () => {
      expect(await walk(`skuPrefix=${prefix}`, 5)).toEqual(skus);
      expect(await walk(`skuPrefix=${prefix}&sort=id`, 7)).toEqual([...skus].reverse());
      const all = await walk('sort=sku', 200);
      expect(new Set(all).size).toBe(all.length);
      expect(all).toEqual(expect.arrayContaining(skus));
    });

    it('filters by description text, shippable and preorder', async () => {
      const gears = await walk(`skuPrefix=${prefix}&q=BRASS%20gear`, 50);
      expect(gears).toHaveLength(8);
      const unshippable = await walk(`skuPrefix=${prefix}&shippable=false`, 50);
      expect(unshippable).toHaveLength(11);
      expect(await walk(`skuPrefix=${prefix}&preorder=true`, 50)).toEqual([]);
      expect(await walk(`skuPrefix=${prefix.toLowerCase()}`, 50)).toEqual([]);
      expect(await walk('q=100%25', 50)).toEqual([]);
    });

    it('refuses a cursor from another sort and a limit over 200', async () => {
      const first = (await t.as('admin', { method: 'GET', url: `/api/v1/items?skuPrefix=${prefix}&limit=2` })).json();
      const res = await t.as('admin', { method: 'GET', url: `/api/v1/items?sort=id&cursor=${first.nextCursor}` });
      expect(res.json()).toMatchObject({ status: 400, field: 'querystring:/cursor' });
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/items?cursor=garbage' })).json()).toMatchObject({ status: 400, field: 'querystring:/cursor' });
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/items?limit=201' })).statusCode).toBe(400);
    });
  });

  it('fills an order line from the catalog, and deleting the item leaves the order alone', async () => {
    const item = await create({ sku: `CAT-${process.pid}`, description: 'Jacquard loom cards', price: 750, shippable: true, preorder: true, expectedDate: '2027-06-01' });
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ items: [{ sku: item.sku, quantity: 2 }] }) });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    const line = { sku: item.sku, description: 'Jacquard loom cards', quantity: 2, unitPrice: 750, shippable: true, preorder: true, expectedDate: '2027-06-01' };
    expect(order.items).toEqual([expect.objectContaining(line)]);
    expect(order.summary.subtotal).toBe(1500);

    expect((await t.as('admin', { method: 'DELETE', url: url(item.sku) })).statusCode).toBe(204);
    const after = await t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}` });
    expect(after.json().items).toEqual([expect.objectContaining(line)]);
  });

  it('checks permissions: read_only may look, fulfilment may edit', async () => {
    const item = await create();
    expect((await t.as('read_only', { method: 'GET', url: '/api/v1/items' })).statusCode).toBe(200);
    expect((await t.as('read_only', { method: 'POST', url: '/api/v1/items', payload: itemInput() })).statusCode).toBe(403);
    expect((await t.as('read_only', { method: 'DELETE', url: url(item.sku) })).statusCode).toBe(403);
    expect((await t.as('fulfilment', { method: 'POST', url: '/api/v1/items', payload: itemInput() })).statusCode).toBe(201);
    expect((await t.as('fulfilment', { method: 'PATCH', url: url(item.sku), headers: { 'if-match': '"v1"' }, payload: { inventory: 0 } })).statusCode).toBe(200);
  });

  it('answers 404 for an unknown SKU and documents every route in OpenAPI', async () => {
    expect((await t.as('admin', { method: 'GET', url: url('NOPE') })).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await t.as('admin', { method: 'PATCH', url: url('NOPE'), headers: { 'if-match': '"v1"' }, payload: { inventory: 1 } })).statusCode).toBe(404);
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths['/api/v1/items'])).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/items/{sku}'])).toEqual(['get', 'patch', 'delete']);
    expect(doc.paths['/api/v1/items/{sku}'].patch.responses).toHaveProperty('428');
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { testCardNumber } from '../test-support/cards.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';

const thisYear = new Date().getUTCFullYear();

/**
 * Control characters and unpaired surrogates are refused in any text of any request, before the
 * schema and before anything is stored: a 400 naming the field (never a 500: PostgreSQL cannot store
 * U+0000). Line breaks and tabs stay allowed in free text.
 */
describeEachDatabase('control characters and unpaired surrogates in requests', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const orderCount = async () => Number((await t.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const postOrder = (payload: unknown) => t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: payload as string, headers: { 'content-type': 'application/json' } });

  it.each([
    ['NUL in a first name', (o: ReturnType<typeof orderInput>) => { o.billing.firstName = 'Ada\u0000'; }, '/billing/firstName', 'U+0000'],
    ['an escape sequence in an address line', (o: ReturnType<typeof orderInput>) => { o.billing.line1 = '\u001b[2J12 Analytical Way'; }, '/billing/line1', 'U+001B'],
    ['a bell in a note', (o: ReturnType<typeof orderInput>) => { o.notes = ['fine', 'ring \u0007']; }, '/notes/1', 'U+0007'],
    ['DEL in a tag', (o: ReturnType<typeof orderInput>) => { o.tags = ['vip\u007f']; }, '/tags/0', 'U+007F'],
    ['a C1 control in a SKU', (o: ReturnType<typeof orderInput>) => { o.items[0]!.sku = 'BOOK\u0085-1'; }, '/items/0/sku', 'U+0085'],
    ['a vertical tab in a custom field', (o: ReturnType<typeof orderInput>) => { o.customFields = { custom1: 'PO\u000b1' }; }, '/customFields/custom1', 'U+000B'],
    ['an unpaired surrogate in a last name', (o: ReturnType<typeof orderInput>) => { o.billing.lastName = 'Lovelace\ud800'; }, '/billing/lastName', 'U+D800'],
    ['an unpaired low surrogate in a note', (o: ReturnType<typeof orderInput>) => { o.notes = ['\udc00']; }, '/notes/0', 'U+DC00'],
  ])('refuses %s, naming the field, and stores nothing', async (_name, spoil, field, codePoint) => {
    const order = orderInput();
    spoil(order);
    const before = await orderCount();
    const res = await postOrder(JSON.stringify(order));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'validation_failed', field });
    expect(res.json().detail).toContain(codePoint);
    expect(await orderCount()).toBe(before);
  });

  it('keeps line breaks and tabs in free text, astral characters anywhere, and a 00-prefixed phone that passes Luhn', async () => {
    const note = 'Leave at the back door.\r\nRing twice:\n\t🔔🔔';
    const res = await postOrder(orderInput({ notes: [note, 'call 0044 20 7946 0006 or 001 212 555 0108'], tags: ['gift 🎁'] }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().notes.map((n: { body: string }) => n.body)).toEqual([note, 'call 0044 20 7946 0006 or 001 212 555 0108']);
    expect(res.json().tags).toEqual(['gift 🎁']);
    // The reported case: a UK number written with the 00 prefix, refused as a card number before.
    const phone = await postOrder(orderInput({ billing: { ...orderInput().billing, phone: '0044 20 7946 0006' } }));
    expect(phone.statusCode, phone.body).toBe(201);
  });

  it('still refuses a card number written after a 0-group in the same text', async () => {
    const res = await postOrder(orderInput({ notes: [`0044 ${testCardNumber('4', 16, 3).replace(/(\d{4})(?=\d)/g, '$1 ')}`] }));
    expect(res.json()).toMatchObject({ status: 400, code: 'card_number_refused', field: '/notes/0' });
  });

  it('refuses them in catalog items, edits, query strings and path parameters too', async () => {
    const item = { sku: `CTRL-${process.pid}`, description: 'Brass gear', price: 100, currency: 'USD' };
    for (const [payload, field] of [[{ ...item, sku: 'A\u0000B' }, '/sku'], [{ ...item, description: 'Brass\u009bgear' }, '/description']] as const) {
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/items', payload })).json()).toMatchObject({ status: 400, code: 'validation_failed', field });
    }
    expect((await t.as('admin', { method: 'POST', url: '/api/v1/items', payload: item })).statusCode).toBe(201);
    const edit = await t.as('admin', { method: 'PATCH', url: `/api/v1/items/${item.sku}`, headers: { 'if-match': '"v1"' }, payload: { description: 'x\u0001' } });
    expect(edit.json()).toMatchObject({ status: 400, field: '/description' });

    for (const [url, field] of [
      ['/api/v1/orders?q=a%00b', 'querystring:/q'],
      ['/api/v1/items?q=%C2%85', 'querystring:/q'],
      ['/api/v1/customers?name=x&name=%1B', 'querystring:/name/1'],
      ['/api/v1/items?a%00=1', 'querystring'], // in a parameter's name
      ['/api/v1/items/A%00B', 'params:/sku'],
      ['/api/v1/orders/X%07/payments', 'params:/orderId'],
    ] as const) {
      const res = await t.as('admin', { method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json(), url).toMatchObject({ code: 'validation_failed', field });
    }
  });

  it('refuses them in the card vault too, where a card number is expected', async () => {
    const card = { number: testCardNumber('4', 16, 5), expMonth: 12, expYear: thisYear + 2 };
    const bad = await t.as('admin', { method: 'POST', url: '/api/v1/vault/cards', payload: { ...card, holderName: 'ADA\u0000LOVELACE' } });
    expect(bad.json()).toMatchObject({ status: 400, code: 'validation_failed', field: '/holderName' });
    expect((await t.as('admin', { method: 'POST', url: '/api/v1/vault/cards', payload: { ...card, holderName: 'ADA LOVELACE' } })).statusCode).toBe(201);
  });
});

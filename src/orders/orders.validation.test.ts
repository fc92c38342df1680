import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, testConfig, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';

describeEachDatabase('order input validation', (getDb) => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db, { bodyLimitBytes: 64 * 1024 });
    key = await t.keyFor('admin');
  });
  afterAll(async () => t.close());

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/orders', payload: payload as string, headers: { authorization: `Bearer ${key}`, ...headers } });
  const orderCount = async () => Number((await t.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it.each([
    ['malformed JSON', '{"channel": "web",', 400, 'malformed_json', '/'],
    ['a string where a number belongs', { ...orderInput(), items: [{ sku: 'A', quantity: '2', unitPrice: 100 }] }, 400, 'validation_failed', '/items/0/quantity'],
    ['an unknown field', { ...orderInput(), discountCode: 'FREE' }, 400, 'validation_failed', '/discountCode'],
    ['zero quantity', { ...orderInput(), items: [{ sku: 'A', quantity: 0, unitPrice: 100 }] }, 400, 'validation_failed', '/items/0/quantity'],
    ['negative price', { ...orderInput(), items: [{ sku: 'A', quantity: 1, unitPrice: -5 }] }, 400, 'validation_failed', '/items/0/unitPrice'],
    ['a fractional amount', { ...orderInput(), shippingCost: 4.99 }, 400, 'validation_failed', '/shippingCost'],
    ['no items', { ...orderInput(), items: [] }, 400, 'validation_failed', '/items'],
    ['a missing email', { ...orderInput(), customer: {} }, 400, 'validation_failed', '/customer/email'],
    ['a currency that is not ISO 4217', { ...orderInput(), currency: 'ABC' }, 400, 'validation_failed', '/currency'],
    ['a lower-case currency', { ...orderInput(), currency: 'usd' }, 400, 'validation_failed', '/currency'],
    ['a country that is not ISO 3166', { ...orderInput(), billing: { ...orderInput().billing, country: 'UK' } }, 400, 'validation_failed', '/billing/country'],
    ['an impossible phone number', { ...orderInput(), billing: { ...orderInput().billing, phone: '12' } }, 400, 'validation_failed', '/billing/phone'],
    ['an unknown SKU without a price', { ...orderInput(), items: [{ sku: 'NOPE', quantity: 1 }] }, 400, 'validation_failed', '/items/0/unitPrice'],
    ['totals that do not add up', { ...orderInput(), expectedTotal: 1 }, 422, 'totals_mismatch', '/expectedTotal'],
    ['a discount above the line value', { ...orderInput(), items: [{ sku: 'A', quantity: 1, unitPrice: 100, discount: 101 }] }, 422, 'totals_mismatch', '/items/0/discount'],
    ['a card number in a note', { ...orderInput(), notes: ['my card is 4111 1111 1111 1111'] }, 400, 'card_number_refused', '/notes/0'],
    ['a card number as the card token', { ...orderInput(), payment: { method: 'credit_card', card: { token: '4242424242424242', brand: 'visa', last4: '4242', expMonth: 1, expYear: 2030 } } }, 400, 'card_number_refused', '/payment/card/token'],
    ['card details on a non-card payment', { ...orderInput(), payment: { method: 'check', card: orderInput().payment.card } }, 400, 'validation_failed', '/payment/card'],
  ])('refuses %s (%i %s at %s) and stores nothing', async (_name, payload, status, code, field) => {
    const before = await orderCount();
    const res = await post(typeof payload === 'string' ? payload : payload, { 'content-type': 'application/json' });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code, field, status });
    expect(await orderCount()).toBe(before);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await post({ ...orderInput(), notes: Array.from({ length: 20 }, () => 'x'.repeat(4900)) });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await post('channel=web', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
  });

  /** String() throws on generated objects like {"toString": 0}; such a value is sent as its JSON instead. */
  const asText = (v: unknown): string => {
    try {
      return String(v);
    } catch {
      return JSON.stringify(v);
    }
  };

  it('never answers a random malformed create, update or search with a 5xx, and changes nothing', async () => {
    const created = (await post(orderInput())).json();
    const before = { count: await orderCount(), order: (await t.as('admin', { method: 'GET', url: `/api/v1/orders/${created.orderId}` })).body };
    const valid = orderInput();
    // Start from a valid order and break it: random values replace random fields at any depth.
    const mutated = fc.tuple(fc.jsonValue(), fc.array(fc.constantFrom('channel', 'currency', 'customer', 'billing', 'items', 'payment', 'shippingCost', 'tags', 'customFields', 'notes', 'expectedTotal', 'isTest', 'fraudHold', 'x'), { minLength: 1, maxLength: 3 }))
      .map(([value, keys]) => {
        const copy = structuredClone(valid) as Record<string, unknown>;
        for (const k of keys) copy[k] = value;
        return copy;
      });
    const anything = fc.oneof(fc.jsonValue(), mutated, fc.string());
    await fc.assert(
      fc.asyncProperty(anything, fc.constantFrom('create', 'update', 'search', 'stage'), async (payload, kind) => {
        const url = kind === 'create' ? '/api/v1/orders' : kind === 'stage' ? `/api/v1/orders/${created.orderId}/stage` : `/api/v1/orders/${created.orderId}`;
        const res = kind === 'search'
          ? await t.app.inject({ method: 'GET', url: '/api/v1/orders', query: typeof payload === 'object' && payload && !Array.isArray(payload) ? Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, asText(v)])) : { q: asText(payload) }, headers: { authorization: `Bearer ${key}` } })
          : await t.app.inject({
              method: kind === 'update' ? 'PATCH' : 'POST', url, payload: JSON.stringify(payload),
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(kind === 'update' ? { 'if-match': '"v999"' } : {}) },
            });
        if (kind === 'create' && res.statusCode === 201) return; // a mutation that happens to be valid is fine
        expect(res.statusCode, `${kind} ${JSON.stringify(payload).slice(0, 200)} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (kind !== 'search') expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 3000 },
    );
    // Only valid creates may have added orders; the existing order is untouched.
    expect((await t.as('admin', { method: 'GET', url: `/api/v1/orders/${created.orderId}` })).body).toBe(before.order);
  });

  it('answers an unexpected failure with a bare 500 that reveals nothing', async () => {
    const app = await buildApp({ config: testConfig(), db: getDb().db });
    app.get('/boom', { config: { public: true } }, async () => {
      throw new Error('password=hunter2 at /srv/db.ts:12');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('db.ts');
    expect(res.json()).toMatchObject({ code: 'internal', requestId: expect.any(String) });
    await app.close();
  });
});

import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, loggerOptions } from './app.js';
import { buildTestApp, testConfig, type TestApp } from '../test-support/app.js';
import { grouped, testCardNumber } from '../test-support/cards.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';

const pan = testCardNumber('4', 16, 11);
const thisYear = new Date().getUTCFullYear();
/** The card number in every form it could be written in a log line. */
const forms = [pan, grouped(pan), grouped(pan, '-'), grouped(pan, '%20')];
const q = encodeURIComponent;

/**
 * A card number in a query string is refused like one in a body (400 card_number_refused, naming the
 * parameter), before anything stores the URL; and no log line holds it, nor one in the path.
 */
describeEachDatabase('card numbers in URLs', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  it('refuses a search or list with a card number in a query parameter, naming the parameter', async () => {
    for (const [url, field] of [
      [`/api/v1/orders?q=${q(grouped(pan))}`, 'querystring:/q'],
      [`/api/v1/orders?stage=shipping_department&phone=${q(`ref 99 ${pan} 12/26`)}`, 'querystring:/phone'], // next to other digits
      [`/api/v1/orders?tag=gift&tag=${q(grouped(pan, '-'))}`, 'querystring:/tag/1'], // a repeated parameter
      [`/api/v1/customers?name=${pan}`, 'querystring:/name'],
      [`/api/v1/customers?${pan}=1`, 'querystring'], // in a name: the field does not repeat it
      [`/api/v1/orders/${pan}`, 'params:/orderId'], // a path parameter: a 404 would repeat it
      [`/api/v1/orders/${q(grouped(pan))}/payments`, 'params:/orderId'],
    ] as const) {
      const res = await t.as('admin', { method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ status: 400, code: 'card_number_refused', field });
      for (const form of forms) expect(res.body).not.toContain(form);
    }
  });

  it('still answers ordinary searches: phone numbers, order ids, dates, 10–12 digit numbers', async () => {
    for (const url of [
      `/api/v1/orders?phone=${q('+44 20 7946 0958')}`,
      '/api/v1/orders?q=OD-1000042',
      `/api/v1/orders?createdFrom=${q('2024-05-01T00:00:00.000Z')}&createdTo=${q('2024-06-30T00:00:00.000Z')}`,
      '/api/v1/orders?q=123456789012',
      '/api/v1/customers?name=Ada',
    ]) {
      const res = await t.as('admin', { method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
  });

  it('refuses it on writes before anything is stored, the vault included', async () => {
    const order = await t.as('admin', {
      method: 'POST', url: `/api/v1/orders?ref=${pan}`, payload: orderInput(), headers: { 'idempotency-key': 'query-pan-order' },
    });
    expect(order.json()).toMatchObject({ status: 400, code: 'card_number_refused', field: 'querystring:/ref' });
    expect(await t.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'query-pan-order').execute()).toEqual([]);

    const before = await t.db.selectFrom('vault_cards').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const card = await t.as('admin', {
      method: 'POST', url: `/api/v1/vault/cards?note=${q(grouped(pan))}`, payload: { number: pan, expMonth: 12, expYear: thisYear + 2 },
    });
    expect(card.json()).toMatchObject({ status: 400, code: 'card_number_refused', field: 'querystring:/note' });
    const after = await t.db.selectFrom('vault_cards').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('logs no card number from the query string or the path', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const app = await buildApp({ config: testConfig(), db: getDb().db, logger: { ...(loggerOptions('trace') as object), stream } });
    const key = await t.keyFor('admin');
    const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}`, 'x-request-id': 'pan-in-url' } });
    expect((await get(`/api/v1/orders?q=${q(grouped(pan))}`)).statusCode).toBe(400);
    expect((await get(`/api/v1/customers?name=${pan}&limit=5`)).statusCode).toBe(400);
    await get(`/api/v1/orders/${pan}`);
    await get(`/api/v1/orders/${grouped(pan, '%20')}/payments`);
    await get(`/api/v1/nowhere/${grouped(pan, '-')}`);
    await app.close();
    const all = lines.join('');
    expect(all).toContain('"path":"/api/v1/orders"'); // the log was captured
    expect(all).toContain('"path":"/api/v1/orders/[card number]"');
    expect(all).toContain('"path":"/api/v1/orders/[card number]/payments"');
    expect(all).toContain('"path":"/api/v1/nowhere/[card number]"');
    for (const form of forms) expect(all).not.toContain(form);
    expect(all).not.toContain('q=');
  });
});

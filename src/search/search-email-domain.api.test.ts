import { beforeAll, expect, it } from 'vitest';
import { up as markDomainsDue } from '../db/migrations/2026-11-28T1100-search-terms-email-domain.js';
import type { CreateOrderInput } from '../orders/orders.schemas.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import { SEARCH_TERMS_REVISION, upgradeSearchTerms } from './search-terms-upgrade.js';

/* "Everyone at acme.com": the email filter or a free-text word starting with @ finds an address's domain. */

const AT_ACME = ['ann@acme.com', 'Bob@ACME.com', 'cara@eu.acme.com', 'dee@acme.com', 'eli@acme.com', 'fay@acme.com'];
const ELSEWHERE = ['gus@notacme.com', 'hal@acme.com.au', 'ivy@acme.co', 'jo@example.org', 'acme.com@example.net'];

describeEachDatabase('search by email domain', (getDb) => {
  let t: TestApp;
  const orderIdOf = new Map<string, string>();

  const find = async (query: string, limit = 2): Promise<string[]> => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url = `/api/v1/orders?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.as('read_only', { method: 'GET', url });
      expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
      seen.push(...res.json().items.map((i: { orderId: string }) => i.orderId));
      cursor = res.json().nextCursor;
    } while (cursor);
    return seen;
  };
  const ordersOf = (emails: string[]) => emails.map((e) => orderIdOf.get(e)!);
  /** Newest first, as every default search lists them. */
  const newestFirst = (emails: string[]) => ordersOf(emails).sort().reverse();

  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
    for (const [i, email] of [...AT_ACME, ...ELSEWHERE].entries()) {
      const extra: Partial<CreateOrderInput> = i % 2 ? { payment: { method: 'check' } } : {};
      const input = orderInput({ ...extra, customer: { email, ip: `10.8.0.${i + 1}` } });
      if (i === 3) input.billing = { ...input.billing, country: 'US', postalCode: '20001', phone: '+12025550143' };
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
      expect(res.statusCode, res.body).toBe(201);
      orderIdOf.set(email, res.json().orderId);
    }
    return () => t.close();
  });

  it('finds every address at a domain and its subdomains, whole labels only, page by page', async () => {
    const acme = newestFirst(AT_ACME);
    for (const query of ['email=@acme.com', 'email=acme.com', 'email=@ACME.Com', 'email=%20@acme.com.', 'q=@acme.com', 'q=@Acme.COM']) {
      expect(await find(query), query).toEqual(acme);
    }
    expect(await find('email=@eu.acme.com')).toEqual(ordersOf(['cara@eu.acme.com']));
    expect(await find('q=@notacme.com')).toEqual(ordersOf(['gus@notacme.com']));
    expect(await find('email=@acme.com.au')).toEqual(ordersOf(['hal@acme.com.au']));
    expect(await find('email=@example.org')).toEqual(ordersOf(['jo@example.org']));
    // A domain is matched whole: neither its beginning nor a local part that looks like one.
    expect(await find('email=@acme')).toEqual([]);
    expect(await find('email=@example.net')).toEqual(ordersOf(['acme.com@example.net']));
    // A whole address is still an exact email.
    expect(await find('email=BOB@acme.com')).toEqual(ordersOf(['Bob@ACME.com']));
  });

  it('combines with other filters and every sort', async () => {
    const byCheck = AT_ACME.filter((_, i) => i % 2);
    expect(await find('email=@acme.com&paymentMethod=check')).toEqual(newestFirst(byCheck));
    expect(await find('email=@acme.com&country=US')).toEqual(ordersOf(['dee@acme.com']));
    expect(await find('q=@acme.com%20lovelace&country=gb')).toEqual(newestFirst(AT_ACME.filter((e) => e !== 'dee@acme.com')));
    expect(await find('q=@acme.com%20nobody')).toEqual([]);
    expect(await find('email=@acme.com&sort=order_id_asc')).toEqual(ordersOf(AT_ACME).sort());
    expect((await find('email=@acme.com&sort=total_desc')).sort()).toEqual(ordersOf(AT_ACME).sort());
  });

  it('stores one domain term per order', async () => {
    const rows = await getDb().db.selectFrom('order_search_terms').select(['term']).where('kind', '=', 'domain').execute();
    expect(rows).toHaveLength(AT_ACME.length + ELSEWHERE.length);
    expect(rows.map((r) => r.term)).toContain('com.acme.eu.');
  });

  it('refuses a domain with nothing to search for, and an unknown country code, naming the field', async () => {
    for (const [query, field] of [['country=ZZ', 'querystring:/country'], ['email=@', 'querystring:/email'], ['email=@a%20b', 'querystring:/email'], ['email=@..', 'querystring:/email'], ['q=ann%20@', 'querystring:/q']]) {
      const res = await t.as('read_only', { method: 'GET', url: `/api/v1/orders?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().field, query).toBe(field);
    }
  });

  it('finds orders stored before domains were indexed once the terms revision has run', async () => {
    const { db } = getDb();
    const mark = async () => JSON.parse((await db.selectFrom('settings').select('value_json').where('key', '=', 'search_terms.refresh').executeTakeFirstOrThrow()).value_json);
    // As those orders were stored under revision 2, part-way through a refresh of revision 1.
    await db.deleteFrom('order_search_terms').where('kind', '=', 'domain').execute();
    await db.insertInto('settings').values({ key: 'search_terms.refresh', value_json: JSON.stringify({ revision: 1, nextId: 1_000_000 }) }).execute();
    expect(await find('email=@acme.com')).toEqual([]);

    await markDomainsDue(db);
    expect(await mark()).toEqual({ revision: 2, nextId: 0 });
    const done = await upgradeSearchTerms(db, { batch: 4 });
    expect(done).toMatchObject({ due: true, added: AT_ACME.length + ELSEWHERE.length, removed: 0, nextId: null });
    expect(await mark()).toEqual({ revision: SEARCH_TERMS_REVISION, nextId: 0 });
    expect(await find('email=@acme.com')).toEqual(newestFirst(AT_ACME));
    expect(await find('q=@acme.com&paymentMethod=check')).toEqual(newestFirst(AT_ACME.filter((_, i) => i % 2)));
  });
});

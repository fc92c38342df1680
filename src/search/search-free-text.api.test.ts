import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CreateOrderInput } from '../orders/orders.schemas.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import { encodeCursor, toOrderSearch } from './find-orders.js';
import { refreshSearchTerms } from './refresh-search-terms.js';
import { termsForOrder } from './search-terms.js';
import { findOrderPage, type SetSizes } from './search.repository.js';

/* Free text as staff paste it: postcodes and phone numbers with spaces, compound and elided surnames. */

const address = (overrides: Partial<CreateOrderInput['billing']>): Partial<CreateOrderInput> => ({
  billing: { firstName: 'Ada', lastName: 'Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB', phone: '020 7946 0958', ...overrides },
});
const SCENARIOS: Record<string, Partial<CreateOrderInput>> = {
  // Stored as "sw1a1aa" and "442079460018".
  harriet: address({ firstName: 'Harriet', lastName: 'Smith-Jones', line1: '10 Downing Street', postalCode: 'SW1A 1AA', phone: '+442079460018' }),
  tom: address({ firstName: 'Tom', lastName: 'Jones', postalCode: 'CF37 1AB', phone: '+442920018000' }),
  siobhan: address({ firstName: 'Siobhán', lastName: 'O’Brien', line1: '7 St Stephen’s Green', city: 'Dublin', postalCode: 'D02 X285', country: 'IE', phone: '+35315550199' }),
  grace: address({ firstName: 'Grace', lastName: 'Hopper', line1: '1 Navy Yard', city: 'Arlington', postalCode: '20001-1234', country: 'US', phone: '+12025550143' }),
};

describeEachDatabase('order search: free text as typed', (getDb) => {
  let t: TestApp;
  const placed: Record<string, string> = {};
  const fillers: string[] = [];
  const find = async (query: string) => {
    const res = await t.as('read_only', { method: 'GET', url: `/api/v1/orders?${query}&limit=200` });
    expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
    return (res.json().items as { orderId: string }[]).map((o) => o.orderId).sort();
  };
  const named = (...names: string[]) => names.map((n) => placed[n]!).sort();

  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
    for (const [name, overrides] of Object.entries(SCENARIOS)) {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput(overrides) });
      expect(res.statusCode, res.body).toBe(201);
      placed[name] = res.json().orderId;
    }
    for (let i = 0; i < 6; i++) {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput() });
      expect(res.statusCode, res.body).toBe(201);
      fillers.push(res.json().orderId);
    }
  });
  afterAll(async () => t.close());

  it('finds a postcode or phone number written with spaces, without them, nationally or internationally', async () => {
    const cases: [string, string[]][] = [
      ['SW1A 1AA', ['harriet']], ['sw1a1aa', ['harriet']], ['SW1A-1AA', ['harriet']], ['SW1A 1', ['harriet']], ['Harriet SW1A 1AA', ['harriet']],
      ['D02 X285', ['siobhan']], ['20001-1234', ['grace']], ['200011234', ['grace']], ['Arlington 20001', ['grace']],
      ['020 7946 0018', ['harriet']], ['02079460018', ['harriet']], ['(020) 7946-0018', ['harriet']], ['2079460018', ['harriet']],
      ['+44 20 7946 0018', ['harriet']], ['+442079460018', ['harriet']], ['0044 20 7946 0018', ['harriet']], ['44 20 7946 0018', ['harriet']],
      ['Smith-Jones 020 7946 0018', ['harriet']], ['Flat 10 020 7946 0018', []], ['10 Downing 020 7946 0018', ['harriet']],
      ['+1 (202) 555-0143', ['grace']], ['202 555 0143', ['grace']], ['01 555 0199', ['siobhan']],
      ['020 7946 0018 SW1A 1AA', ['harriet']], ['020 7946 0019', []], ['SW1A 1AB', []],
    ];
    for (const [q, expected] of cases) expect(await find(`q=${encodeURIComponent(q)}`), q).toEqual(named(...expected));
    // The fixtures' own number and postcode: every filler, none of the orders above.
    expect(await find(`q=${encodeURIComponent('020 7946 0958')}`)).toEqual([...fillers].sort());
    expect(await find(`q=${encodeURIComponent('N1 9GU')}`)).toEqual([...fillers].sort());
  });

  it('finds a hyphenated surname by either part or whole, and an elided one however the apostrophe is typed', async () => {
    const cases: [string, string[]][] = [
      ['q=Jones', ['harriet', 'tom']], ['q=Smith', ['harriet']], ['q=Smith-Jones', ['harriet']], ['q=harriet%20jones', ['harriet']],
      ['name=Jones', ['harriet', 'tom']], ['name=smith-jones', ['harriet']], ['name=jon%20harr', ['harriet']],
      ["q=O'Brien", ['siobhan']], ['q=O%E2%80%99Brien', ['siobhan']], ['q=OBrien', ['siobhan']], ['q=obri', ['siobhan']], ['q=Brien', ['siobhan']],
      ["name=siobhan%20o'brien", ['siobhan']], ['name=obrien', ['siobhan']], ["q=Stephen's%20Green", ['siobhan']], ['q=stephens', ['siobhan']],
    ];
    for (const [query, expected] of cases) expect(await find(query), query).toEqual(named(...expected));
  });

  it('refuses free text with nothing to search for with a 400 naming the field', async () => {
    for (const q of ['!!!', ' - ', '+', "'", '()', '’']) {
      const res = await t.as('read_only', { method: 'GET', url: `/api/v1/orders?q=${encodeURIComponent(q)}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().field, q).toBe('querystring:/q');
    }
  });

  it('plans every reading the same way the index walks and the whole-set reads do', async () => {
    const sizes: Record<string, SetSizes> = {
      whole: { small: 10_000, largeTerm: 10_000, expansion: 0 }, walk: { small: 1, largeTerm: 1, expansion: 0 }, expanded: { small: 1, largeTerm: 1, expansion: 16 },
    };
    const pages = async (q: string, sort: 'created_desc' | 'total_asc' | 'order_id_desc', s: SetSizes) => {
      const out: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const search = toOrderSearch({ q, sort, limit: 2, ...(cursor ? { cursor } : {}) }, { orderNumberPrefix: 'OD-' });
        const rows = await findOrderPage(getDb().db, search, s);
        out.push(...rows.slice(0, 2).map((r) => r.order_number));
        if (rows.length <= 2) break;
        const last = rows[1]!;
        cursor = encodeCursor(sort, sort === 'created_desc' ? [last.created_at, last.id] : sort === 'total_asc' ? [last.total, last.id] : [last.order_number]);
      }
      return out;
    };
    for (const q of ['SW1A 1AA', '020 7946 0018', '020 7946 0958', 'N1 9GU', 'london +44 20 7946', 'jones', "o'brien 01 555 0199", '20001-1234']) {
      for (const sort of ['created_desc', 'total_asc', 'order_id_desc'] as const) {
        const whole = await pages(q, sort, sizes.whole!);
        expect(whole.length, q).toBeGreaterThan(0);
        expect(await pages(q, sort, sizes.walk!), `walk ${sort} ${q}`).toEqual(whole);
        expect(await pages(q, sort, sizes.expanded!), `expanded ${sort} ${q}`).toEqual(whole);
      }
    }
  });

  it('brings terms stored under the earlier rules up to date, in batches, writing only the difference', async () => {
    const { db } = getDb();
    const order = await db.selectFrom('orders').selectAll().where('order_number', '=', placed.harriet!).executeTakeFirstOrThrow();
    // As an order written before compound surnames were split: no "jones", and a term no rule makes now.
    await db.deleteFrom('order_search_terms').where('order_id', '=', order.id).where('term', '=', 'jones').execute();
    await db.insertInto('order_search_terms').values({ term: 'smith-jones-old', kind: 'name', created_at: order.created_at, order_id: order.id }).execute();
    expect(await find('q=Jones')).toEqual(named('tom'));

    const batches: number[] = [];
    const done = await refreshSearchTerms(db, { batch: 3, onBatch: (p) => { batches.push(p.orders); } });
    expect(done).toMatchObject({ added: 1, removed: 1, nextId: null });
    expect(batches.length).toBeGreaterThan(2);
    expect(await find('q=Jones')).toEqual(named('harriet', 'tom'));
    const stored = await db.selectFrom('order_search_terms').select(['kind', 'term']).where('order_id', '=', order.id).execute();
    const items = await db.selectFrom('order_items').select('sku').where('order_id', '=', order.id).execute();
    expect(stored.map((s) => `${s.kind}:${s.term}`).sort()).toEqual(termsForOrder({
      orderNumber: order.order_number, email: order.customer_email, addresses: [JSON.parse(order.billing_json)],
      skus: items.map((i) => i.sku), tags: JSON.parse(order.tags_json), customFields: JSON.parse(order.custom_fields_json),
    }).map((s) => `${s.kind}:${s.term}`).sort());
    expect(await refreshSearchTerms(db)).toMatchObject({ added: 0, removed: 0 });
  });
});

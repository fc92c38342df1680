import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import { encodeCursor, toOrderSearch } from './find-orders.js';
import { findOrderPage, type SetSizes } from './search.repository.js';
import { SORTS, type SearchOrdersQueryT } from './search.schemas.js';
import { expandPrefix, MAX_SCAN } from './term-expansion.js';

/*
 * With a handful of orders every filter is a "small set", so the API tests only exercise the
 * read-whole plans. Here the thresholds are forced down so the index walks (the plans a large
 * database uses) must return exactly what the read-whole plans return, page by page.
 */
const WHOLE: SetSizes = { small: 10_000, largeTerm: 10_000, expansion: 0 };
const WALK: SetSizes = { small: 1, largeTerm: 1, expansion: 0 };
/** Prefixes expanded into their (term, kind) pairs and walked merged, as on a large database. */
const EXPANDED: SetSizes = { small: 1, largeTerm: 1, expansion: 16 };

describeEachDatabase('order search plans', (getDb) => {
  beforeAll(async () => {
    const t = await buildTestApp(getDb().db);
    const methods = ['credit_card', 'check', 'paypal'] as const;
    for (let i = 0; i < 18; i++) {
      const res = await t.as('admin', {
        method: 'POST', url: '/api/v1/orders',
        payload: orderInput({
          customer: { email: `c${i}@${['acme.com', 'eu.acme.com', 'notacme.com', 'acme.com.au'][i % 4]}`, ip: `10.9.0.${i + 1}` },
          items: [{ sku: `SKU-${i % 4}`, quantity: 1, unitPrice: 1000 + (i % 6) * 250, tax: 0 }], tags: i % 3 ? ['gift'] : [],
          payment: { method: methods[i % 3]! }, fraudHold: i % 5 === 0,
          billing: { firstName: i % 2 ? 'Mary' : 'Marc', lastName: `Shelley${i % 4}`, line1: `${i} Frankenstein Road`, city: 'Geneva', country: i % 2 ? 'CH' : 'GB' },
          // Found under two pairs of one prefix ("ma…": mary and maryam), yet listed once.
          ...(i % 7 === 3 ? { shipping: { firstName: 'Maryam', lastName: 'Shelley9', line1: '1 Lake Road', city: 'Geneva', country: 'CH' } } : {}),
        }),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    await t.close();
  });

  const walk = async (query: SearchOrdersQueryT, sizes: SetSizes) => {
    const out: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const search = toOrderSearch({ ...query, limit: 4, ...(cursor ? { cursor } : {}) }, { orderNumberPrefix: 'OD-' });
      const rows = await findOrderPage(getDb().db, search, sizes);
      out.push(...rows.slice(0, 4).map((r) => r.order_number));
      if (rows.length <= 4) break;
      const last = rows[3]!;
      cursor = encodeCursor(search.sort, search.sort.startsWith('created') ? [last.created_at, last.id] : search.sort.startsWith('total') ? [last.total, last.id]
        : search.sort.startsWith('stage_entered') ? [last.stage_entered_at, last.id] : [last.order_number]);
    }
    return out;
  };

  it('walks indexes to the same pages as reading small sets whole, for every sort', async () => {
    const queries: SearchOrdersQueryT[] = [
      {}, { stage: ['fraud_review,accounts_receivable'] }, { paymentMethod: ['check', 'paypal'] }, { tag: 'gift' }, { country: 'ch' },
      { name: 'mar shel' }, { name: 'ma' }, { q: 'shel' }, { q: 'ma', country: 'gb' }, { q: 'frankenstein mary' }, { name: 'nobody' }, { q: 'gen', tag: 'gift', totalMin: 1300 }, { sku: 'sku-1', stage: ['fraud_review,shipping_department'] },
      { orderId: 'OD-100000*' }, { paymentStatus: ['unprocessed'], country: 'gb', paidTo: '2100-01-01T00:00:00Z' },
      { email: '@acme.com' }, { email: 'eu.acme.com', tag: 'gift' }, { q: '@acme.com mary' }, { q: '@acme.com', paymentMethod: ['check'] },
    ];
    for (const sort of SORTS) {
      // Time in stage is a queue's sort: it needs a stage filter (the API refuses it without one).
      const forSort = sort.startsWith('stage_entered')
        ? [{ stage: ['fraud_review,accounts_receivable,hold'] }, { stage: ['hold'] }, { stage: ['accounts_receivable,fraud_review'], tag: 'gift' }, { stage: ['fraud_review,shipping_department'], name: 'ma' }] as SearchOrdersQueryT[]
        : queries;
      for (const query of forSort) {
        const whole = await walk({ ...query, sort }, WHOLE);
        expect(new Set(whole).size).toBe(whole.length);
        expect(await walk({ ...query, sort }, WALK), `${sort} ${JSON.stringify(query)}`).toEqual(whole);
        expect(await walk({ ...query, sort }, EXPANDED), `expanded ${sort} ${JSON.stringify(query)}`).toEqual(whole);
      }
    }
    // acme.com's orders and eu.acme.com's (i % 4 of 0 and 1), two pairs of one domain prefix, merged.
    expect(await walk({ email: '@acme.com' }, EXPANDED)).toHaveLength(10);
  });

  it('expands a prefix into exactly the (term, kind) pairs it covers, in index order, and gives up on a wide one', async () => {
    const { db } = getDb();
    expect(await expandPrefix(db, { kinds: ['name'], prefix: 'shel' })).toEqual(
      ['shelley0', 'shelley1', 'shelley2', 'shelley3', 'shelley9'].map((t) => [t, 'name']));
    // Every kind is stepped over; only the asked-for kinds are kept.
    expect(await expandPrefix(db, { kinds: ['name', 'addr'], prefix: 'ma' })).toEqual([['marc', 'name'], ['mary', 'name'], ['maryam', 'name']]);
    expect(await expandPrefix(db, { kinds: ['name'], prefix: 'zzz' })).toEqual([]);
    // Whole-value terms (tags, custom fields) may hold any character, the step's separator included.
    const odd = ['odd\u001fone', 'odd\u001fone\u001ftwo', 'odd'].flatMap((term) => (['tag', 'cf1'] as const).map((kind) => ({ term, kind, created_at: 1, order_id: 1 })));
    await db.insertInto('order_search_terms').values(odd).execute();
    try {
      expect(await expandPrefix(db, { kinds: ['tag', 'cf1'], prefix: 'odd' })).toEqual(
        ['odd', 'odd\u001fone', 'odd\u001fone\u001ftwo'].flatMap((t) => [[t, 'cf1'], [t, 'tag']]));
    } finally {
      await db.deleteFrom('order_search_terms').where('term', 'like', 'odd%').execute();
    }
    // A prefix spanning more than MAX_SCAN pairs is left unexpanded (the planner counts it instead).
    const wide = Array.from({ length: MAX_SCAN + 1 }, (_, i) => ({ term: `wide${String(i).padStart(4, '0')}`, kind: 'tag' as const, created_at: 1, order_id: 1 }));
    await db.insertInto('order_search_terms').values(wide).execute();
    try {
      expect(await expandPrefix(db, { kinds: ['tag'], prefix: 'wide' })).toBeUndefined();
      await db.deleteFrom('order_search_terms').where('term', '=', 'wide0000').execute();
      const all = await expandPrefix(db, { kinds: ['tag'], prefix: 'wide' }, MAX_SCAN);
      expect(all?.length).toBe(MAX_SCAN);
      expect(all?.[0]).toEqual(['wide0001', 'tag']);
    } finally {
      await db.deleteFrom('order_search_terms').where('term', 'like', 'wide%').execute();
    }
  });
});

import { beforeAll, expect, it } from 'vitest';
import { up as markDue } from '../db/migrations/2026-11-27T2200-search-terms-revision.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import { SEARCH_TERMS_REVISION, upgradeSearchTerms } from './search-terms-upgrade.js';

/* An installation upgraded from the first word rules: its orders get the new terms once, resumably. */

describeEachDatabase('search terms after an upgrade of the word rules', (getDb) => {
  let t: TestApp;
  const ids: number[] = [];
  const mark = async () => {
    const row = await getDb().db.selectFrom('settings').select('value_json').where('key', '=', 'search_terms.refresh').executeTakeFirst();
    return row ? JSON.parse(row.value_json) : undefined;
  };
  const joneses = async () => (await getDb().db.selectFrom('order_search_terms').select('order_id').where('term', '=', 'jones').execute()).length;

  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
    for (let i = 0; i < 5; i++) {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({
        billing: { firstName: 'Harriet', lastName: 'Smith-Jones', line1: `${i} Downing Street`, city: 'London', postalCode: 'SW1A 1AA', country: 'GB', phone: '+442079460018' },
      }) });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(Number((await getDb().db.selectFrom('orders').select('id').where('order_number', '=', res.json().orderId).executeTakeFirstOrThrow()).id));
    }
    return () => t.close();
  });

  it('has nothing to do on a database whose orders were all written under the current rules', async () => {
    expect(await mark()).toBeUndefined();
    expect(await upgradeSearchTerms(getDb().db)).toMatchObject({ due: false, orders: 0 });
  });

  it('marks a database that already has orders as due, and refreshes it in resumable batches', async () => {
    const { db } = getDb();
    // As those orders were stored before compound surnames were split.
    await db.deleteFrom('order_search_terms').where('term', '=', 'jones').execute();
    await markDue(db);
    expect(await mark()).toEqual({ revision: 1, nextId: 0 });

    // A server stopping in the middle (SIGTERM aborts the job) leaves the progress it made.
    const stop = new AbortController();
    const first = await upgradeSearchTerms(db, { batch: 2, onBatch: () => stop.abort(), signal: stop.signal });
    expect(first).toMatchObject({ due: true, orders: 2, added: 2 });
    expect(await mark()).toEqual({ revision: 1, nextId: ids[1]! + 1 });
    expect(await joneses()).toBe(2);

    const rest = await upgradeSearchTerms(db, { batch: 2 });
    expect(rest).toMatchObject({ due: true, added: ids.length - 2, removed: 0, nextId: null });
    expect(await joneses()).toBe(ids.length);
    expect(await mark()).toEqual({ revision: SEARCH_TERMS_REVISION, nextId: 0 });
    expect(await upgradeSearchTerms(db)).toMatchObject({ due: false });
    const found = await t.as('read_only', { method: 'GET', url: '/api/v1/orders?q=Jones&limit=50' });
    expect(found.json().items).toHaveLength(ids.length);
  });
});

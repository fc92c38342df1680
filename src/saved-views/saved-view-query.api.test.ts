import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';

let n = 0;

/** A view of the order list must hold a query the order search takes, or it could never open. */
describeEachDatabase('saved views and the order search\'s rules', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const save = (query: string, scope = 'orders') =>
    t.as('read_only', { method: 'POST', url: '/api/v1/saved-views', payload: { scope, name: `view ${++n}`, query } });
  const search = (query: string) => t.as('read_only', { method: 'GET', url: `/api/v1/orders?${query}` });

  it.each([
    ['an unknown parameter', 'foo=bar&stage=hold', /foo/],
    ['an unknown stage', 'stage=nope', /stage/],
    ['a bad date', 'createdFrom=yesterday', /createdFrom/],
    ['a time-in-stage sort without a stage', 'sort=stage_entered_asc', /stage filter/],
    ['a country that is no country', 'country=XX', /country/],
    ['a phone with too few digits', 'phone=12', /3 digits/],
  ])('refuses %s with the search\'s own message, at /query', async (_name, query, words) => {
    const searched = await search(query);
    expect(searched.statusCode, searched.body).toBe(400);
    const res = await save(query);
    expect(res.json(), res.body).toMatchObject({ status: 400, code: 'validation_failed', field: '/query', detail: expect.stringMatching(words) });
    expect(res.json().detail).toContain(searched.json().detail.replace(/^querystring:?/, ''));
  });

  it('saves what the search takes (lists, repeated names, a pasted "?", encoded text), and leaves other scopes alone', async () => {
    for (const query of ['', '?stage=hold,fraud_review&sort=stage_entered_asc', 'stage=hold&stage=rejected', 'q=ada+lovelace&email=%40acme.com', 'totalMin=500&currency=EUR']) {
      expect((await search(query.replace(/^\?/, ''))).statusCode, query).toBe(200);
      const res = await save(query);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(201);
    }
    expect((await save('anything=goes', 'shipping')).statusCode).toBe(201);
  });

  it('checks a changed query on edit, but lets a view saved before the check be renamed', async () => {
    const made = (await save('stage=hold')).json();
    const url = `/api/v1/saved-views/${made.id}`;
    const bad = await t.as('read_only', { method: 'PATCH', url, payload: { query: 'stage=nope', version: 1 } });
    expect(bad.json()).toMatchObject({ status: 400, field: '/query' });
    // A view saved before queries were checked keeps working as far as it can.
    await t.db.updateTable('saved_views').set({ query: 'foo=bar' }).where('id', '=', made.id).execute();
    const renamed = await t.as('read_only', { method: 'PATCH', url, payload: { name: 'renamed', version: 1 } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'renamed', query: 'foo=bar' });
  });
});

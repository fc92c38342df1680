import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';

/** The dashboard takes no query parameters; one sent anyway is refused by name, as on every list. */
describeEachDatabase('dashboard API query string', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  it('answers without a query string', async () => {
    expect((await t.as('read_only', { method: 'GET', url: '/api/v1/dashboard' })).statusCode).toBe(200);
  });

  it.each(['days=7', 'stage=hold&days=7', 'DAYS='])('refuses ?%s with a 400 naming the parameter', async (query) => {
    const res = await t.as('read_only', { method: 'GET', url: `/api/v1/dashboard?${query}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const name = query.split('=')[0]!;
    expect(res.json()).toMatchObject({ code: 'validation_failed', field: `querystring:/${name}`, detail: `/${name} is not a known field` });
  });
});

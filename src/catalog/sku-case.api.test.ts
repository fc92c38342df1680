import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';

/** SKUs are matched by people without regard to case: one differing only in case is the same SKU. */
describeEachDatabase('SKUs differing only in case', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const create = (sku: string) => t.as('admin', { method: 'POST', url: '/api/v1/items', payload: { sku, description: `Item ${sku}`, price: 500, currency: 'USD' } });

  it('refuses a SKU that differs from an existing one only in case, naming /sku', async () => {
    const sku = `TST-${process.pid}`;
    expect((await create(sku)).statusCode).toBe(201);
    const lower = await create(sku.toLowerCase());
    expect(lower.json(), lower.body).toMatchObject({ status: 409, code: 'conflict', field: '/sku', detail: expect.stringContaining(sku) });
    expect((await create(sku)).json()).toMatchObject({ status: 409, field: '/sku' });
    expect((await create(`${sku}-2`)).statusCode).toBe(201);
  });

  it('refuses one of two racing creates of one SKU in different case', async () => {
    const sku = `RACE-${process.pid}`;
    const answers = await Promise.all([create(sku), create(sku.toLowerCase()), create(`Race-${process.pid}`)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409]);
  });
});

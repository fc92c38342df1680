import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../auth/users.service.js';
import { STAGES } from '../stages/stages.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';

describeEachDatabase('stage counts and search permissions', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const counts = async () => {
    const res = await t.as('read_only', { method: 'GET', url: '/api/v1/stages' });
    expect(res.statusCode, res.body).toBe(200);
    return Object.fromEntries((res.json() as { stage: string; count: number }[]).map((s) => [s.stage, s.count]));
  };

  it('lists all ten stages with labels, counting the orders placed and following stage moves', async () => {
    const empty = await t.as('read_only', { method: 'GET', url: '/api/v1/stages' });
    expect(empty.json().map((s: { stage: string }) => s.stage)).toEqual([...STAGES]);
    expect(empty.json()[0]).toEqual({ stage: 'quote_request', label: 'Quote Request', count: 0 });

    const orderIds: string[] = [];
    for (const overrides of [{}, {}, { fraudHold: true }, { payment: { method: 'check' as const } }]) {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput(overrides) });
      expect(res.statusCode, res.body).toBe(201);
      orderIds.push(res.json().orderId);
    }
    expect(await counts()).toMatchObject({ shipping_department: 2, fraud_review: 1, accounts_receivable: 1, hold: 0, completed_order: 0 });

    const move = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${orderIds[0]}/stage`, payload: { stage: 'hold', reason: 'customer asked to wait' } });
    expect(move.statusCode, move.body).toBe(200);
    expect(await counts()).toMatchObject({ shipping_department: 1, hold: 1 });
    const inHold = await t.as('read_only', { method: 'GET', url: '/api/v1/orders?stage=hold' });
    expect(inHold.json().items.map((i: { orderId: string }) => i.orderId)).toEqual([orderIds[0]]);
  });

  it('lets any role with orders:view search, and refuses callers without it', async () => {
    for (const url of ['/api/v1/orders', '/api/v1/stages']) {
      expect((await t.as('read_only', { method: 'GET', url })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
    const owner = await t.db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow();
    const { key } = await createApiKey(t.db, { userId: owner.id, name: 'catalog only', permissions: ['catalog:view'] });
    for (const url of ['/api/v1/orders', '/api/v1/stages']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('forbidden');
    }
  });
});

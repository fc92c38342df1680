import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../auth/users.service.js';
import type { CreateOrderInput } from '../orders/orders.schemas.js';
import { STAGES } from '../stages/stages.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';

/*
 * Department view permissions, enforced by the server. The fulfilment role holds orders:view and the
 * views of pre-orders, hold, shipping and completed; not quotes, accounts receivable, pending
 * clearance, fraud review or rejected.
 */
const FULFILMENT_STAGES = ['pre_ordered', 'hold', 'shipping_department', 'completed_order'];

describeEachDatabase('stage view permissions on lists, searches, counts and single orders', (getDb) => {
  let t: TestApp;
  const placed: Record<string, { orderId: string; email: string }> = {};
  /** An API key of an admin-owned user narrowed to the given permissions. */
  const keyWith = async (permissions: string[]) => {
    const owner = await t.db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow();
    return (await createApiKey(t.db, { userId: owner.id, name: permissions.join(' '), permissions })).key;
  };
  const get = (who: 'fulfilment' | 'admin' | string, url: string) => (who === 'fulfilment' || who === 'admin'
    ? t.as(who, { method: 'GET', url })
    : t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${who}` } }));
  /** Every order id a list returns, page by page (small pages, so the cursor path is covered too). */
  const listAll = async (who: string, query: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await get(who, `/api/v1/orders?limit=2&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { items: { orderId: string; stage: string }[]; nextCursor: string | null };
      ids.push(...body.items.map((i) => i.orderId));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return ids.sort();
  };

  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
    const scenarios: Record<string, Partial<CreateOrderInput>> = {
      shipping_department: {}, shipping_department_2: {}, fraud_review: { fraudHold: true },
      accounts_receivable: { payment: { method: 'check' } }, quote_request: { payment: { method: 'quote_request' } },
    };
    for (const [name, overrides] of Object.entries(scenarios)) {
      const input = orderInput(overrides);
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().stage).toBe(name.replace(/_2$/, ''));
      placed[name] = { orderId: res.json().orderId, email: input.customer.email };
    }
  });
  afterAll(async () => t.close());

  const ids = (...names: string[]) => names.map((n) => placed[n]!.orderId).sort();

  it('refuses a stage filter naming a stage the caller may not view with a 403 naming it', async () => {
    for (const query of ['stage=accounts_receivable', 'stage=shipping_department,accounts_receivable', 'stage=shipping_department&stage=accounts_receivable']) {
      const res = await get('fulfilment', `/api/v1/orders?${query}`);
      expect(res.statusCode, query).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 403, code: 'forbidden', field: 'querystring:/stage' });
      expect(res.json().detail).toContain('accounts_receivable');
      expect(res.json().detail).toContain('"accounts_receivable:view"');
      expect(res.json().detail).not.toContain('shipping_department');
    }
    const both = await get('fulfilment', '/api/v1/orders?stage=fraud_review,quote_request&sort=stage_entered_asc');
    expect(both.statusCode).toBe(403);
    expect(both.json().detail).toMatch(/fraud_review.*quote_request/);
    // A stage it may view is listed as before, the queue sort included.
    expect(await listAll('fulfilment', 'stage=shipping_department&sort=stage_entered_asc')).toEqual(ids('shipping_department', 'shipping_department_2'));
  });

  it('limits lists and searches without a stage filter to the stages the caller may view', async () => {
    for (const sort of ['created_desc', 'created_asc', 'total_desc', 'order_id_asc']) {
      expect(await listAll('fulfilment', `sort=${sort}`), sort).toEqual(ids('shipping_department', 'shipping_department_2'));
    }
    // An order in a hidden stage is not found by any search either.
    expect(await listAll('fulfilment', `email=${encodeURIComponent(placed.accounts_receivable!.email)}`)).toEqual([]);
    expect(await listAll('fulfilment', `orderId=${placed.fraud_review!.orderId}`)).toEqual([]);
    expect(await listAll('fulfilment', `email=${encodeURIComponent(placed.shipping_department!.email)}`)).toEqual(ids('shipping_department'));
  });

  it('counts only the stages the caller may view', async () => {
    const res = await get('fulfilment', '/api/v1/stages');
    expect(res.statusCode).toBe(200);
    const counts = res.json() as { stage: string; count: number }[];
    expect(counts.map((c) => c.stage)).toEqual(FULFILMENT_STAGES);
    expect(counts.find((c) => c.stage === 'shipping_department')?.count).toBe(2);
  });

  it('leaves callers that may view every stage unaffected', async () => {
    expect((await get('admin', '/api/v1/stages')).json().map((s: { stage: string }) => s.stage)).toEqual([...STAGES]);
    expect(await listAll('admin', '')).toEqual(ids(...Object.keys(placed)));
    expect(await listAll('admin', 'stage=accounts_receivable')).toEqual(ids('accounts_receivable'));
  });

  it('shows nothing to a key with orders:view but no department, and only its departments to a narrowed key', async () => {
    const bare = await keyWith(['orders:view']);
    expect(await listAll(bare, '')).toEqual([]);
    expect((await get(bare, '/api/v1/stages')).json()).toEqual([]);
    expect((await get(bare, '/api/v1/orders?stage=shipping_department')).statusCode).toBe(403);

    const quotes = await keyWith(['orders:view', 'quotes:view', 'accounts_receivable:view']);
    expect(await listAll(quotes, '')).toEqual(ids('quote_request', 'accounts_receivable'));
    expect((await get(quotes, '/api/v1/stages')).json().map((s: { stage: string }) => s.stage)).toEqual(['quote_request', 'quote_sent', 'accounts_receivable']);
  });

  it('opens a single order, its payments and the dashboard only for the stages the caller may view', async () => {
    const hidden = placed.fraud_review!.orderId;
    const open = placed.shipping_department!.orderId;
    for (const url of [`/api/v1/orders/${hidden}`, `/api/v1/orders/${hidden}/payments`]) {
      const res = await get('fulfilment', url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().detail).toContain('"fraud_review:view"');
    }
    expect((await get('fulfilment', `/api/v1/orders/${open}`)).statusCode).toBe(200);
    expect((await get('fulfilment', `/api/v1/orders/${open}/payments`)).statusCode).toBe(200);
    expect((await get('admin', `/api/v1/orders/${hidden}`)).statusCode).toBe(200);
    const dashboard = (await get('fulfilment', '/api/v1/dashboard')).json() as { stages: { stage: string }[] };
    expect(dashboard.stages.map((s) => s.stage)).toEqual(FULFILMENT_STAGES);
    expect((await get('admin', '/api/v1/dashboard')).json().stages).toHaveLength(STAGES.length);
  });

  it('refuses a move of an order the caller may not view as its page does, and a caller who may move nothing before reading the body', async () => {
    const hidden = placed.fraud_review!.orderId;
    const move = await t.as('fulfilment', { method: 'POST', url: `/api/v1/orders/${hidden}/stage`, payload: { stage: 'hold', reason: 'checking' } });
    expect(move.statusCode, move.body).toBe(403);
    expect(move.json().detail).toBe((await get('fulfilment', `/api/v1/orders/${hidden}`)).json().detail);
    for (const url of [`/api/v1/orders/${hidden}/stage`, `/api/v1/orders/${hidden}/reject`]) {
      const res = await t.as('read_only', { method: 'POST', url, payload: {} });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(403);
      expect(res.json().detail).toContain('act permission');
    }
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../auth/permissions.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import type { CreateOrderInput } from './orders.schemas.js';

/**
 * allowedMoves is what the calling principal may do now: the stage machine's moves out of the order's stage
 * when the caller may act on that stage (the rule POST …/stage enforces), none otherwise. The back office
 * shows a button per allowed move, so a move listed here must never answer 403.
 */
describeEachDatabase('allowedMoves follows the caller\'s permissions', (get) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(get().db);
  });
  afterAll(() => t.close());

  const as = (role: Role, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.as(role, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const place = async (overrides: Partial<CreateOrderInput> = {}) => {
    const res = await as('admin', 'POST', '/orders', orderInput(overrides));
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { orderId: string; stage: string; allowedMoves: string[] };
  };
  const movesOf = async (role: Role, orderId: string) => {
    const res = await as(role, 'GET', `/orders/${orderId}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().allowedMoves as string[];
  };

  it('lists no move to a read-only user, and each listed move is one the caller can make', async () => {
    const paid = await place();
    expect(paid).toMatchObject({ stage: 'shipping_department', allowedMoves: ['completed_order', 'hold', 'rejected'] });
    expect(await movesOf('read_only', paid.orderId)).toEqual([]);
    // Customer service works quotes, pre-orders, A/R, Hold and Rejected, not Shipping: nothing to offer here.
    expect(await movesOf('customer_service', paid.orderId)).toEqual([]);
    expect(await movesOf('fulfilment', paid.orderId)).toEqual(['completed_order', 'hold', 'rejected']);
    for (const role of ['read_only', 'customer_service'] as const) {
      expect((await as(role, 'POST', `/orders/${paid.orderId}/stage`, { stage: 'hold', reason: 'try' })).statusCode, role).toBe(403);
    }
    const held = await as('fulfilment', 'POST', `/orders/${paid.orderId}/stage`, { stage: 'hold', reason: 'address check' });
    expect(held.statusCode, held.body).toBe(200);
    // The answer to a move is the order as the mover sees it; in Hold customer service may act too.
    expect(held.json().allowedMoves).toEqual(['shipping_department', 'rejected']);
    expect(await movesOf('customer_service', paid.orderId)).toEqual(['shipping_department', 'rejected']);
    expect(await movesOf('read_only', paid.orderId)).toEqual([]);
  });

  it('lists a fraud-held order\'s moves only to those who may act on Fraud Review', async () => {
    const held = await place({ fraudHold: true, payment: { method: 'check' } });
    expect(held.stage).toBe('fraud_review');
    expect(await movesOf('customer_service', held.orderId)).toEqual([]);
    expect(await movesOf('accounting', held.orderId)).toContain('hold');
  });

  it('answers a change with the moves of the caller who made it', async () => {
    const paid = await place();
    // Accounting may edit orders but not act on Shipping: the note is added, no move is offered.
    const noted = await as('accounting', 'POST', `/orders/${paid.orderId}/notes`, { body: 'called the customer' });
    expect(noted.statusCode, noted.body).toBe(201);
    expect(noted.json().allowedMoves).toEqual([]);
    const tagged = await as('admin', 'POST', `/orders/${paid.orderId}/tags`, { tags: ['vip'] });
    expect(tagged.json().allowedMoves).toEqual(['completed_order', 'hold', 'rejected']);
  });

  // Needs src/search (not changed here) to map its items for the caller: see toOrderListItemFor in orders.mapper.ts.
  it('lists no move in a list item that the caller could not make', async () => {
    const paid = await place();
    const listed = async (role: Role) => ((await as(role, 'GET', '/orders?limit=200')).json().items as { orderId: string; allowedMoves: string[] }[])
      .find((i) => i.orderId === paid.orderId)?.allowedMoves;
    expect(await listed('read_only')).toEqual([]);
    expect(await listed('fulfilment')).toEqual(['completed_order', 'hold', 'rejected']);
  });
});

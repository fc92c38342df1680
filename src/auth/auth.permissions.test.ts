import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateOrderInput } from '../orders/orders.schemas.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { type Permission, type Role, ROLE_PERMISSIONS, ROLES } from './permissions.js';
import { createUser } from './users.service.js';

const PASSWORD = 'correct horse battery staple';

let userSeq = 0;
type Caller = (opts: InjectOptions) => Promise<{ statusCode: number; body: string; json(): any }>;

describeEachDatabase('permissions', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const newOrder = async (overrides: Partial<CreateOrderInput> = {}): Promise<string> => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput(overrides) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().orderId;
  };

  /**
   * Signs in as a fresh user of the role and calls with the cookie and CSRF token. Own users rather
   * than buildTestApp's: their emails carry Date.now(), whose 13 digits sometimes pass the card-number check.
   */
  const sessionCaller = async (role: Role): Promise<{ call: Caller; user: { id: number; email: string; name: string } }> => {
    const email = `${role}.${++userSeq}@matrix.example.com`;
    const user = { id: await createUser(t.db, { email, name: `Person ${role}`, role, password: PASSWORD }), email, name: `Person ${role}` };
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const cookies = { orderdeck_session: login.cookies.find((c) => c.name === 'orderdeck_session')!.value };
    const csrf = login.json().csrfToken as string;
    return { user, call: (opts) => t.app.inject({ ...opts, cookies, headers: { ...(opts.headers ?? {}), 'x-csrf-token': csrf } }) };
  };

  /** One representative request per permission, each on fresh fixtures made by an admin. */
  const probes: { permission: Permission; request: () => Promise<InjectOptions> }[] = [
    { permission: 'orders:view', request: async () => ({ method: 'GET', url: `/api/v1/orders/${await newOrder()}` }) },
    { permission: 'orders:create', request: async () => ({ method: 'POST', url: '/api/v1/orders', payload: orderInput() }) },
    {
      permission: 'orders:edit',
      request: async () => ({ method: 'PATCH', url: `/api/v1/orders/${await newOrder()}`, headers: { 'if-match': '"v1"' }, payload: { customFields: { custom1: 'PO-1' } } }),
    },
    { permission: 'orders:delete', request: async () => ({ method: 'DELETE', url: `/api/v1/orders/${await newOrder({ isTest: true })}` }) },
    {
      permission: 'shipping:act', // a paid order starts in the Shipping Department
      request: async () => ({ method: 'POST', url: `/api/v1/orders/${await newOrder()}/stage`, payload: { stage: 'completed_order', reason: 'shipped' } }),
    },
    {
      permission: 'accounts_receivable:act', // a check by mail waits in Accounts Receivable
      request: async () => ({ method: 'POST', url: `/api/v1/orders/${await newOrder({ payment: { method: 'check' } })}/stage`, payload: { stage: 'hold', reason: 'address problem' } }),
    },
    { permission: 'users:manage', request: async () => ({ method: 'GET', url: '/api/v1/users' }) },
    { permission: 'api_keys:manage', request: async () => ({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'matrix', permissions: ['orders:view'] } }) },
    { permission: 'metrics:view', request: async () => ({ method: 'GET', url: '/api/v1/metrics' }) },
  ];

  const outcome = (res: { statusCode: number; body: string }) =>
    res.statusCode >= 200 && res.statusCode < 300 ? 'allowed' : res.statusCode === 403 ? 'forbidden' : `unexpected ${res.statusCode}: ${res.body}`;

  describe.each(['api key', 'session'] as const)('the role matrix holds via %s', (via) => {
    it.each(ROLES)('%s', async (role) => {
      const call: Caller = via === 'api key' ? (opts) => t.as(role, opts) : (await sessionCaller(role)).call;
      const actual: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const probe of probes) {
        actual[probe.permission] = outcome(await call(await probe.request()));
        expected[probe.permission] = ROLE_PERMISSIONS[role].has(probe.permission) ? 'allowed' : 'forbidden';
      }
      expect(actual).toEqual(expected);
    });
  });

  it('records the signed-in user as the actor of order changes', async () => {
    const { call, user } = await sessionCaller('manager');
    const created = await call({ method: 'POST', url: '/api/v1/orders', payload: orderInput() });
    expect(created.statusCode, created.body).toBe(201);
    const orderId = created.json().orderId as string;
    const moved = await call({ method: 'POST', url: `/api/v1/orders/${orderId}/stage`, payload: { stage: 'completed_order', reason: 'handed over' } });
    expect(moved.statusCode, moved.body).toBe(200);
    const history = await t.db
      .selectFrom('order_history')
      .innerJoin('orders', 'orders.id', 'order_history.order_id')
      .select(['order_history.kind', 'order_history.actor'])
      .where('orders.order_number', '=', orderId)
      .orderBy('order_history.id')
      .execute();
    expect(history).toEqual([
      { kind: 'created', actor: `user:${user.id} ${user.name}` },
      { kind: 'stage', actor: `user:${user.id} ${user.name}` },
    ]);
  });
});

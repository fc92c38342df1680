import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../test-support/payments.js';

/** orderInput: 2 × 19.99 + 4.00 tax + 5.00 shipping = 48.98. */
const TOTAL = 4898;

describeEachDatabase('completing an order that still owes money', (get) => {
  let env: PaymentTestEnv;
  let settingsVersion = 0;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => env.t.as('admin', { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const setCardMode = async (cardMode: 'sale' | 'authorize') => {
    const put = await api('PUT', '/payments/settings', { cardMode, version: settingsVersion });
    expect(put.statusCode, put.body).toBe(200);
    settingsVersion = put.json().version;
  };
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
    settingsVersion = (await api('GET', '/payments/settings')).json().version;
    await setCardMode('authorize');
  });
  afterAll(async () => {
    await setCardMode('sale');
    await env.close();
  });
  const place = async () => {
    const res = await api('POST', '/orders', orderInput({ payment: (await env.card()) as never }));
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const complete = (orderId: string) => api('POST', `/orders/${orderId}/stage`, { stage: 'completed_order', reason: 'shipped' });
  const listed = async (orderId: string) =>
    ((await api('GET', '/orders?stage=shipping_department&limit=200')).json().items as { orderId: string; allowedMoves: string[]; paidTotal: number }[])
      .find((i) => i.orderId === orderId);

  it('refuses Completed for an authorized-only order, naming the capture, and offers it once captured', async () => {
    const order = await place();
    expect(order).toMatchObject({ stage: 'shipping_department', payment: { status: 'authorized', authorized: TOTAL, paid: 0 } });
    expect(order.allowedMoves).not.toContain('completed_order');
    expect(await listed(order.orderId)).toMatchObject({ allowedMoves: ['hold', 'rejected'], paidTotal: 0 });

    const refused = await complete(order.orderId);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'transition_refused', field: '/payment', allowed: ['hold', 'rejected'],
      detail: expect.stringMatching(/only authorized.*POST \/api\/v1\/orders\/\{orderId\}\/payments\/capture/),
    });
    expect((await api('GET', `/orders/${order.orderId}`)).json()).toMatchObject({ stage: 'shipping_department', version: order.version });

    // The ledger says what happened at intake: an authorization, not a charge.
    const ledger = (await api('GET', `/orders/${order.orderId}/payments`)).json();
    expect(ledger.entries).toEqual([expect.objectContaining({ kind: 'authorize', status: 'approved', reason: 'authorized when the order was placed' })]);

    const captured = await api('POST', `/orders/${order.orderId}/payments/capture`, {});
    expect(captured.statusCode, captured.body).toBe(200);
    const after = (await api('GET', `/orders/${order.orderId}`)).json();
    expect(after).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed', paid: TOTAL } });
    expect(after.allowedMoves).toContain('completed_order');
    expect(await listed(order.orderId)).toMatchObject({ allowedMoves: ['completed_order', 'hold', 'rejected'], paidTotal: TOTAL });
    const done = await complete(order.orderId);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ stage: 'completed_order' });
  });

  it('still says "charged" for a sale taken at intake', async () => {
    await setCardMode('sale');
    try {
      const order = await place();
      expect(order).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed', paid: TOTAL } });
      const ledger = (await api('GET', `/orders/${order.orderId}/payments`)).json();
      expect(ledger.entries).toEqual([expect.objectContaining({ kind: 'sale', reason: 'charged when the order was placed' })]);
      expect((await complete(order.orderId)).statusCode).toBe(200);
    } finally {
      await setCardMode('authorize');
    }
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv, waitFor } from '../test-support/payments.js';
import { SANDBOX_TEST_ACCOUNTS } from '../payments/sandbox/test-cards.js';

/** A person's move waits while a charge is out at the gateway: its answer would land on a rejected or held order. */
describeEachDatabase('stage moves while a payment is being taken', (get) => {
  let slow: PaymentTestEnv;
  let lost: PaymentTestEnv;
  beforeAll(async () => {
    // Every gateway answer takes over a second: the charge of a new order stays `started` meanwhile.
    slow = await startPaymentTestEnv(get().db, { gateway: { headers: { 'sandbox-fault': 'latency=1500' }, timeoutMs: 5_000 } });
    // Every answer is lost: the charge ends `unknown` until someone records what happened.
    lost = await startPaymentTestEnv(get().db, { gateway: { headers: { 'sandbox-fault': 'timeout' }, timeoutMs: 150, maxAttempts: 1 } });
  });
  afterAll(async () => {
    await slow.close();
    await lost.close();
  });

  const api = (env: PaymentTestEnv, method: 'GET' | 'POST', url: string, payload?: object) =>
    env.t.as('admin', { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const staffMoves = (env: PaymentTestEnv, orderId: string) => [
    api(env, 'POST', `/orders/${orderId}/reject`, { reason: 'customer cancelled' }),
    api(env, 'POST', `/orders/${orderId}/stage`, { stage: 'hold', reason: 'address problem' }),
    api(env, 'POST', `/orders/${orderId}/stage`, { stage: 'fraud_review', reason: 'looks odd' }),
  ];
  const expectRefused = async (env: PaymentTestEnv, orderId: string) => {
    for (const res of await Promise.all(staffMoves(env, orderId))) {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({ code: 'conflict', field: '/payment', detail: expect.stringMatching(/a payment is being taken .*wait for the gateway's answer, or record its outcome/) });
    }
  };

  it('refuses a reject, hold or review while a new order\'s charge is started, and lets the answer move the order on', async () => {
    const email = `in-flight-${Date.now().toString(36)}@example.com`;
    const placing = api(slow, 'POST', '/orders', orderInput({ customer: { email, ip: '10.77.0.1' }, payment: (await slow.card()) as never }));
    // The order commits before its charge is sent, so it can be found while the gateway is thinking.
    let orderId = '';
    await waitFor(async () => {
      const row = await get().db.selectFrom('orders').innerJoin('payment_ledger', 'payment_ledger.order_id', 'orders.id')
        .select(['orders.order_number', 'payment_ledger.status']).where('orders.customer_email', '=', email).executeTakeFirst();
      orderId = row?.status === 'started' ? row.order_number : '';
      return orderId !== '';
    });
    await expectRefused(slow, orderId);
    // Nothing changed, and the order says what is happening: in A/R with the charge started.
    const during = (await api(slow, 'GET', `/orders/${orderId}`)).json();
    expect(during).toMatchObject({ stage: 'accounts_receivable', version: 1, payment: { status: 'unprocessed' } });
    expect(during.history).toHaveLength(1);
    expect((await api(slow, 'GET', `/orders/${orderId}/payments`)).json().entries).toEqual([expect.objectContaining({ kind: 'sale', status: 'started' })]);

    // The gateway's answer is the payment code's own move (not a staff move), so it is not refused.
    const placed = await placing;
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.json()).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed' } });
    expect((await api(slow, 'POST', `/orders/${orderId}/stage`, { stage: 'hold', reason: 'address problem' })).json().stage).toBe('hold');
  });

  it('refuses staff moves while a charge\'s outcome is unknown, until someone records it', async () => {
    const echeck = { method: 'e_check', echeck: { routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber: '000123456786', accountType: 'checking' } };
    const placed = await api(lost, 'POST', '/orders', orderInput({ payment: echeck as never }));
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    const [charge] = (await api(lost, 'GET', `/orders/${order.orderId}/payments`)).json().entries;
    expect(charge).toMatchObject({ kind: 'sale', status: 'unknown' });
    await expectRefused(lost, order.orderId);
    expect((await api(lost, 'GET', `/orders/${order.orderId}`)).json()).toMatchObject({ stage: 'accounts_receivable', version: order.version });

    const resolved = await lost.t.as('accounting', {
      method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/${charge.id}/resolve`, payload: { outcome: 'failed', note: 'not on the gateway dashboard' },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const rejected = await api(lost, 'POST', `/orders/${order.orderId}/reject`, { reason: 'customer cancelled' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json().stage).toBe('rejected');
  });
});

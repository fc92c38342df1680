import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';

/** orderInput: 2 × 19.99 + 4.00 tax + 5.00 shipping = 48.98, authorized whole at intake. */
const TOTAL = 4898;

describeEachDatabase('rejecting an authorized order voids its hold', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
    const settings = (await env.t.as('admin', { method: 'GET', url: '/api/v1/payments/settings' })).json();
    const put = await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'authorize', version: settings.version } });
    expect(put.statusCode, put.body).toBe(200);
  });
  afterAll(() => env.close());

  it('writes the void for the amount the authorization held, and says so in the history', async () => {
    const placed = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: (await env.card()) as never }) });
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    expect(order.payment).toMatchObject({ status: 'authorized', authorized: TOTAL });
    const rejected = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/reject`, payload: { reason: 'customer cancelled' } });
    expect(rejected.statusCode, rejected.body).toBe(200);
    const payments = (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}/payments` })).json();
    expect(payments).toMatchObject({ status: 'voided', authorized: 0 });
    expect(payments.entries.find((e: { kind: string }) => e.kind === 'void')).toMatchObject({ status: 'approved', amount: TOTAL });
    const history = (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}` })).json().history as { reason: string | null }[];
    expect(history.some((h) => /void of \$48\.98 approved/.test(h.reason ?? ''))).toBe(true);
    expect(history.some((h) => /void of \$0\.00/.test(h.reason ?? ''))).toBe(false);
  });
});

import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testConfig } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { type PaymentTestEnv, startPaymentTestEnv, waitFor } from '../test-support/payments.js';
import { placeDemoPayments } from './demo-payments.js';

describeEachDatabase('demo orders charged through the sandbox', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  it('vaults each card, charges it through the gateway and routes the order by the answer', async () => {
    await placeDemoPayments(get().db, testConfig(), env.payments, pino({ level: 'silent' }));
    // The e-checks settle 50 ms later, then notify: waited for, as a loaded machine may take longer.
    await waitFor(async () => !(await get().db.selectFrom('orders').select('id').where('stage', '=', 'pending_clearance').executeTakeFirst()));
    await env.sandbox.notificationsIdle();
    const orders = await get().db.selectFrom('orders').select(['customer_email', 'stage', 'payment_status']).orderBy('id').execute();
    expect(orders.map((o) => [o.customer_email.split('@')[0], o.stage, o.payment_status])).toEqual([
      ['ada.lovelace', 'shipping_department', 'processed'],
      ['grace.hopper', 'shipping_department', 'processed'],
      ['alan.turing', 'accounts_receivable', 'declined'],
      ['edsger.dijkstra', 'accounts_receivable', 'declined'],
      ['barbara.liskov', 'shipping_department', 'processed'],
      ['donald.knuth', 'shipping_department', 'processed'],
      ['john.backus', 'accounts_receivable', 'declined'],
    ]);
    const sales = env.sandbox.log().filter((e) => e.operation === 'sale');
    expect(sales).toHaveLength(7);
  });
});

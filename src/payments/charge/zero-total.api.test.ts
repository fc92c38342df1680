import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';

/*
 * An order that asks for no money (every price, tax and shipping 0) is not collected: its payment is
 * skipped and it moves on, with a history saying nothing was due (intakeForTotal in intake-payment.ts).
 * `it.fails` until orders/create-order.ts applies intakeForTotal and stages/routing.ts names the reason
 * (see the routing fact `nothing_due`); then drop `.fails`.
 */
describeEachDatabase('an order with nothing to pay', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let placed = 0;
  const place = async (payment: object, item: object = {}) => {
    placed += 1;
    const input = orderInput({
      payment: payment as never, shippingCost: 0, shippingTax: 0,
      items: [{ sku: `FREE-${placed}`, description: 'Free sample', quantity: 1, unitPrice: 0, tax: 0, ...item }],
    });
    input.customer = { ...input.customer, ip: `192.0.2.${placed}` };
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order.summary.total).toBe(0);
    return order;
  };
  const ledger = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}/payments` })).json().entries;

  it('a card order is not charged: payment skipped, on to Shipping, the history says nothing was due', async () => {
    const order = await place(await env.card());
    expect(order).toMatchObject({ stage: 'shipping_department', payment: { status: 'skipped' } });
    expect(order.history[0]).toMatchObject({ kind: 'created', to: 'shipping_department', reason: expect.stringMatching(/nothing is due/) });
    expect(await ledger(order.orderId)).toEqual([]);
    expect(env.sandbox.log().filter((e) => e.idempotencyKey?.includes(`:${order.orderId}:`))).toEqual([]);
  });

  it('an offline payment (check) with nothing to ship is completed; an e-check is not submitted', async () => {
    const check = await place({ method: 'check' }, { shippable: false });
    expect(check).toMatchObject({ stage: 'completed_order', payment: { status: 'skipped' } });
    expect(check.history[0].reason).toMatch(/nothing is due/);
    const echeck = await place({ method: 'e_check', echeck: { routingNumber: '110000000', accountNumber: '000123456789', accountType: 'checking' } });
    expect(echeck).toMatchObject({ stage: 'shipping_department', payment: { status: 'skipped' } });
    expect(await ledger(echeck.orderId)).toEqual([]);
  });

  it('a quote for 0 is still a quote', async () => {
    const quote = await place({ method: 'quote_request' });
    expect(quote).toMatchObject({ stage: 'quote_request', payment: { status: 'unprocessed' } });
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../test-support/payments.js';
import type { CreateOrderInput } from './orders.schemas.js';

/** Stage moves whose answer depends on more than the payment status: a fraud hold, a quote's price and method, an authorization. */
describeEachDatabase('stage moves: fraud holds, quotes and authorizations', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    env.t.as('admin', { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const place = async (overrides: Partial<CreateOrderInput>) => {
    const res = await api('POST', '/orders', orderInput(overrides));
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const move = (orderId: string, stage: string, reason = 'staff decision') => api('POST', `/orders/${orderId}/stage`, { stage, reason });
  const detail = async (orderId: string) => (await api('GET', `/orders/${orderId}`)).json();
  const listed = async (orderId: string) =>
    ((await api('GET', '/orders?limit=200')).json().items as { orderId: string; allowedMoves: string[] }[]).find((i) => i.orderId === orderId);
  const preorderItem = { sku: 'SOON-1', description: 'Out next spring', quantity: 1, unitPrice: 2500, preorder: true, expectedDate: '2027-03-01' };
  const quote = { payment: { method: 'quote_request' as const } };

  it('sends a fraud-held pre-order through Fraud Review when it is released, never straight to payment', async () => {
    const order = await place({ fraudHold: true, items: [preorderItem] });
    expect(order).toMatchObject({ stage: 'pre_ordered', fraud: { hold: true }, allowedMoves: ['fraud_review', 'hold', 'rejected'] });
    // The queue offers what the detail offers.
    expect((await listed(order.orderId))?.allowedMoves).toEqual(['fraud_review', 'hold', 'rejected']);
    for (const to of ['accounts_receivable', 'shipping_department', 'completed_order']) {
      const refused = await move(order.orderId, to, 'released');
      expect(refused.statusCode, to).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'transition_refused', field: '/stage', allowed: ['fraud_review', 'hold', 'rejected'], detail: expect.stringMatching(/held for fraud review/) });
    }
    expect(await detail(order.orderId)).toMatchObject({ stage: 'pre_ordered', version: 1 });

    expect((await move(order.orderId, 'fraud_review', 'released: stock arrived')).json()).toMatchObject({ stage: 'fraud_review', fraud: { hold: true } });
    const approved = await api('POST', `/orders/${order.orderId}/fraud-review/approve`, { reason: 'called the customer' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ stage: 'shipping_department', fraud: { hold: false } });
  });

  it('sends an accepted fraud-held quote to Fraud Review, and an un-rejected held order too', async () => {
    const order = await place({ ...quote, fraudHold: true });
    expect(order).toMatchObject({ stage: 'quote_request', fraud: { hold: true } });
    const sent = (await move(order.orderId, 'quote_sent', 'priced and sent')).json();
    expect(sent).toMatchObject({ stage: 'quote_sent', allowedMoves: ['quote_request', 'fraud_review', 'hold', 'rejected'] });
    const accepted = await move(order.orderId, 'accounts_receivable', 'customer accepted');
    expect(accepted.json()).toMatchObject({ status: 409, allowed: ['quote_request', 'fraud_review', 'hold', 'rejected'] });
    expect((await move(order.orderId, 'fraud_review', 'customer accepted')).json().stage).toBe('fraud_review');

    const rejected = (await api('POST', `/orders/${order.orderId}/reject`, { reason: 'customer withdrew' })).json();
    expect(rejected).toMatchObject({ stage: 'rejected', fraud: { hold: true }, allowedMoves: ['quote_request', 'fraud_review', 'hold'] });
    expect((await move(order.orderId, 'accounts_receivable', 'customer came back')).statusCode).toBe(409);
  });

  it('sends a quote only once it has a price, naming the items', async () => {
    const unpriced = await place({ ...quote, items: [{ sku: 'CUSTOM-1', description: 'Bespoke shelf', quantity: 1, unitPrice: 0 }], shippingCost: 0 });
    expect(unpriced).toMatchObject({ stage: 'quote_request', summary: { total: 0 }, allowedMoves: ['hold', 'rejected'] });
    const refused = await move(unpriced.orderId, 'quote_sent', 'sent');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'transition_refused', field: '/items', detail: expect.stringMatching(/no price/) });
    expect((await detail(unpriced.orderId)).stage).toBe('quote_request');
    const priced = await place(quote);
    expect((await move(priced.orderId, 'quote_sent', 'sent')).statusCode).toBe(200);
  });

  it('refuses a quote request reported as paid, held, declined or waived, and stores nothing', async () => {
    for (const status of ['processed', 'authorized', 'declined', 'skipped'] as const) {
      const email = `quote-${status}-${Date.now().toString(36)}@example.com`;
      const res = await api('POST', '/orders', orderInput({ payment: { method: 'quote_request', status }, customer: { email } }));
      expect(res.statusCode, status).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', field: '/payment/status', detail: expect.stringMatching(/takes no payment/) });
      expect(await env.t.db.selectFrom('orders').select('id').where('customer_email', '=', email).execute()).toEqual([]);
    }
    expect((await place({ payment: { method: 'quote_request', status: 'unprocessed' } })).stage).toBe('quote_request');
  });

  it('un-rejects into Quote Request only an order placed as a quote request', async () => {
    const card = await place({});
    expect((await api('POST', `/orders/${card.orderId}/reject`, { reason: 'cancelled' })).json().allowedMoves).toEqual(['accounts_receivable', 'fraud_review', 'hold']);
    expect((await move(card.orderId, 'quote_request', 'reopen')).json()).toMatchObject({ status: 409, allowed: ['accounts_receivable', 'fraud_review', 'hold'] });
    const asked = await place(quote);
    expect((await api('POST', `/orders/${asked.orderId}/reject`, { reason: 'expired' })).statusCode).toBe(200);
    expect((await move(asked.orderId, 'quote_request', 'customer asked again')).json().stage).toBe('quote_request');
  });

  it('keeps an authorized order with nothing to ship in Accounts Receivable until it is captured, then completes it', async () => {
    const ebook = [{ sku: 'EBOOK-1', description: 'Digital edition', quantity: 1, unitPrice: 900, shippable: false }];
    // Reported by the storefront as authorized.
    const reported = await place({ items: ebook, shippingCost: 0, payment: { ...orderInput().payment, status: 'authorized' } });
    expect(reported).toMatchObject({ stage: 'accounts_receivable', payment: { status: 'authorized' } });
    expect(reported.allowedMoves).not.toContain('completed_order');
    expect(reported.history[0].reason).toMatch(/authorized, nothing to ship: to be captured/);
    expect((await move(reported.orderId, 'completed_order', 'done')).json()).toMatchObject({ status: 409, detail: expect.stringMatching(/capture it first/) });

    // Authorized by Orderdeck itself: the gateway's answer leaves it there too, and the capture completes it.
    const settings = (await api('GET', '/payments/settings')).json();
    const put = await api('PUT', '/payments/settings', { cardMode: 'authorize', version: settings.version });
    expect(put.statusCode, put.body).toBe(200);
    try {
      const order = await place({ items: ebook, shippingCost: 0, payment: (await env.card()) as never });
      expect(order).toMatchObject({ stage: 'accounts_receivable', payment: { status: 'authorized', authorized: 900 } });
      const captured = await api('POST', `/orders/${order.orderId}/payments/capture`, {});
      expect(captured.statusCode, captured.body).toBe(200);
      expect(await detail(order.orderId)).toMatchObject({ stage: 'completed_order', payment: { status: 'processed', paid: 900 } });
    } finally {
      await api('PUT', '/payments/settings', { cardMode: 'sale', version: put.json().version });
    }
  });
});

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

  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
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

  it('lets a fraud-held order out of Fraud Review to payment or shipping only by the review\'s approval', async () => {
    const order = await place({ fraudHold: true });
    expect(order).toMatchObject({ stage: 'fraud_review', payment: { status: 'processed' }, fraud: { hold: true }, allowedMoves: ['hold', 'rejected'] });
    for (const to of ['accounts_receivable', 'shipping_department', 'completed_order']) {
      const refused = await move(order.orderId, to, 'looks fine');
      expect(refused.statusCode, to).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'transition_refused', field: '/stage', allowed: ['hold', 'rejected'], detail: expect.stringMatching(/fraud-review\/approve/) });
    }
    expect(await detail(order.orderId)).toMatchObject({ stage: 'fraud_review', fraud: { hold: true }, version: 1 });
    // A hold keeps the review open: released, the order is back under review, still held.
    expect((await move(order.orderId, 'hold', 'waiting for the customer\'s call')).json().allowedMoves).toEqual(['fraud_review', 'rejected']);
    expect((await move(order.orderId, 'fraud_review', 'customer called')).json()).toMatchObject({ stage: 'fraud_review', fraud: { hold: true } });
    const approved = await api('POST', `/orders/${order.orderId}/fraud-review/approve`, { reason: 'called the customer' });
    expect(approved.json()).toMatchObject({ stage: 'shipping_department', fraud: { hold: false } });
    expect(approved.json().history.at(-1).reason).toMatch(/^fraud review approved: called the customer/);
  });

  it('records the payment method a customer accepts a quote with, and A/R collects it', async () => {
    const order = await place(quote);
    expect((await move(order.orderId, 'quote_sent', 'priced and sent')).statusCode).toBe(200);
    const accept = (body: object) => api('POST', `/orders/${order.orderId}/stage`, { stage: 'accounts_receivable', reason: 'customer accepted', ...body });
    for (const [paymentMethod, why] of [['quote_request', /must be equal to one of/], ['bitcoin', /must be equal to one of/], ['e_check', /must be equal to one of/], [7, /./]] as const) {
      const refused = await accept({ paymentMethod });
      expect(refused.statusCode, String(paymentMethod)).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'validation_failed', field: '/paymentMethod', detail: expect.stringMatching(why) });
    }
    const accepted = await accept({ paymentMethod: 'check' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ stage: 'accounts_receivable', payment: { method: 'check', status: 'unprocessed' } });
    expect(accepted.json().history.slice(-2)).toMatchObject([
      { kind: 'stage', from: 'quote_sent', to: 'accounts_receivable', reason: 'customer accepted' },
      { kind: 'updated', changes: ['payment.method'], reason: expect.stringMatching(/quote_request → check/) },
    ]);
    const paid = await api('POST', `/orders/${order.orderId}/payments/mark-paid`, { reference: 'check 1042' });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(await detail(order.orderId)).toMatchObject({ stage: 'shipping_department', payment: { method: 'check', status: 'processed' } });
  });

  it('takes a payment method only with a quote\'s acceptance, naming the field', async () => {
    const card = await place({});
    const refused = await api('POST', `/orders/${card.orderId}/stage`, { stage: 'hold', reason: 'check address', paymentMethod: 'check' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'validation_failed', field: '/paymentMethod', detail: expect.stringMatching(/quote_sent/) });
    const asked = await place(quote);
    const early = await api('POST', `/orders/${asked.orderId}/stage`, { stage: 'quote_sent', reason: 'sent', paymentMethod: 'wire' });
    expect(early.json()).toMatchObject({ status: 400, field: '/paymentMethod' });
    expect(await detail(asked.orderId)).toMatchObject({ stage: 'quote_request', payment: { method: 'quote_request' }, version: 1 });
    // Without one the acceptance is as before: the method is learnt later (a payment request's card).
    expect((await move(asked.orderId, 'quote_sent', 'sent')).statusCode).toBe(200);
    expect((await move(asked.orderId, 'accounts_receivable', 'accepted')).json()).toMatchObject({ stage: 'accounts_receivable', payment: { method: 'quote_request' } });
  });

  const patchItems = async (orderId: string, items: object[], version: number) => {
    const res = await api('PATCH', `/orders/${orderId}`, { items, version });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const markPaid = async (orderId: string) => {
    const res = await api('POST', `/orders/${orderId}/payments/mark-paid`, { reference: `wire ${orderId}` });
    expect(res.statusCode, res.body).toBe(200);
    return detail(orderId);
  };
  const book = { sku: 'BOOK-1', description: 'Notes on the Engine', quantity: 1, unitPrice: 1999 };

  // Needs src/payments/charge/sync-order-payment.ts to pass `hasPreorderItems: order.has_preorder === 1` to routeAfterPaymentStep (see routing.ts).
  it('sends an A/R order that gained a pre-order item to Pre-ordered when it is paid, not to Shipping', async () => {
    const order = await place({ payment: { method: 'wire' } });
    expect(order.stage).toBe('accounts_receivable');
    await patchItems(order.orderId, [book, preorderItem], order.version);
    expect(await markPaid(order.orderId)).toMatchObject({ stage: 'pre_ordered', payment: { status: 'processed' } });
    // Released by hand once the item is in: paid, so on to Shipping.
    expect((await move(order.orderId, 'shipping_department', 'stock arrived')).json().stage).toBe('shipping_department');
  });

  it('does not send a released pre-order back to Pre-ordered when it is paid', async () => {
    const order = await place({ payment: { method: 'wire' }, items: [book, preorderItem] });
    expect(order.stage).toBe('pre_ordered');
    expect((await move(order.orderId, 'accounts_receivable', 'stock arrived')).json().stage).toBe('accounts_receivable');
    expect(await markPaid(order.orderId)).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed' } });
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
    expect((await api('POST', `/orders/${card.orderId}/reject`, { reason: 'cancelled', keepPayment: true })).json().allowedMoves).toEqual(['accounts_receivable', 'fraud_review', 'hold']);
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

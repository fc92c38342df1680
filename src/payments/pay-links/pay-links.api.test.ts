import { afterAll, beforeAll, expect, it } from 'vitest';
import { deliverPendingEmails } from '../../mail/deliver-emails.js';
import { listEmailsForOrder } from '../../mail/mail.repository.js';
import { createMemoryTransport } from '../../mail/transport.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, sandboxCard, startPaymentTestEnv, TEST_MERCHANT } from '../../test-support/payments.js';
import { insertLedgerRow } from '../ledger/ledger.repository.js';
import { MAX_CARD_ATTEMPTS } from './pay-link-rules.js';

describeEachDatabase('pay links through the sandbox gateway', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let ip = 0;
  /**
   * An order waiting in Accounts Receivable: left there by a declined card, or placed without a card (a
   * phone order). Each from its own address, so the fraud rules' velocity checks leave it alone.
   */
  const unpaidOrder = async (how: 'declined card' | 'no card' = 'no card') => {
    const payment = how === 'declined card' ? await env.card('declined (generic)') : { method: 'credit_card' };
    const input = orderInput({ payment: payment as never });
    input.customer = { ...input.customer, ip: `198.51.100.${++ip}` };
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order.stage).toBe('accounts_receivable');
    return order as { id: number; orderId: string; summary: { total: number }; customer: { email: string } };
  };
  const requestLink = async (orderId: string, payload: object = {}, role: 'admin' | 'accounting' | 'fulfilment' = 'accounting') =>
    env.t.as(role, { method: 'POST', url: `/api/v1/orders/${orderId}/payment-requests`, payload });
  const tokenOf = (url: string) => url.split('/pay/')[1]!;
  const view = (token: string) => env.t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}` });
  const pay = (token: string, behaviour: string, extra: object = {}) => env.t.app.inject({
    method: 'POST', url: `/api/v1/pay/${token}`, payload: { number: sandboxCard(behaviour), expMonth: 12, expYear: 2031, cvc: '123', holderName: 'Ada Lovelace', ...extra },
  });
  const orderNow = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();

  it('requests a payment, emails the link, and the customer pays with a second card after a decline', async () => {
    const order = await unpaidOrder('declined card');
    const created = await requestLink(order.orderId, { expiresInHours: 48, message: 'Your card was declined; please try again.' });
    expect(created.statusCode, created.body).toBe(201);
    const link = created.json();
    expect(link).toMatchObject({ orderId: order.orderId, amountDue: order.summary.total, currency: 'USD', revokedLinks: 0 });
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/pay\/\d+\.[\w-]{43}\.[\w-]{43}$/);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(47 * 3_600_000);

    // The email is in the outbox with the link, and the deliverer sends it.
    const [email] = await listEmailsForOrder(get().db, order.id);
    expect(email).toMatchObject({ template: 'payment_request', sent_at: null, to_address: link.emailTo });
    expect(email!.body_text).toContain(link.url);
    expect(email!.body_text).toContain('Your card was declined; please try again.');
    expect(email!.body_text).toContain(`${TEST_MERCHANT} is waiting for the payment of your order ${order.orderId}`);
    const transport = createMemoryTransport();
    await deliverPendingEmails(get().db, transport, { limit: 100 });
    expect(transport.sent.filter((e) => e.id === Number(email!.id))).toHaveLength(1);
    expect((await orderNow(order.orderId)).history.some((h: { reason: string | null }) => /^payment request sent to .+, expires \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} UTC/.test(h.reason ?? '') && h.reason!.includes(link.emailTo))).toBe(true);

    const token = tokenOf(link.url);
    const shown = await view(token);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.json()).toEqual({
      orderId: order.orderId, amountDue: order.summary.total, currency: 'USD', items: [{ description: 'Notes on the Engine', quantity: 2 }],
      merchantName: TEST_MERCHANT, expiresAt: link.expiresAt, attemptsLeft: MAX_CARD_ATTEMPTS,
    });

    const declined = await pay(token, 'declined: insufficient funds');
    expect(declined.statusCode, declined.body).toBe(200);
    expect(declined.json()).toEqual({ status: 'declined', orderId: order.orderId, message: 'the card has insufficient funds', attemptsLeft: MAX_CARD_ATTEMPTS - 1 });
    expect(declined.body).not.toContain(sandboxCard('declined: insufficient funds'));
    expect((await view(token)).statusCode).toBe(200);

    const paid = await pay(token, 'approved');
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toEqual({ status: 'paid', orderId: order.orderId });
    const after = await orderNow(order.orderId);
    expect(after).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed', paid: order.summary.total, card: { brand: 'visa', last4: '1111' } } });

    for (const res of [await view(token), await pay(token, 'approved')]) {
      expect(res.statusCode).toBe(410);
      expect(res.json()).toMatchObject({ code: 'pay_link_used' });
    }
    const sales = env.sandbox.log().filter((e) => e.operation === 'sale' && e.idempotencyKey?.startsWith(`paylink:`) && e.result === 'approved');
    expect(sales.filter((e) => e.amount === order.summary.total).length).toBeGreaterThanOrEqual(1);
  });

  it('in authorize mode the pay page authorizes the card, and the order is captured later like any other', async () => {
    const settings = (await env.t.as('admin', { method: 'GET', url: '/api/v1/payments/settings' })).json();
    const put = await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'authorize', version: settings.version } });
    expect(put.statusCode, put.body).toBe(200);
    try {
      const order = await unpaidOrder();
      const link = (await requestLink(order.orderId)).json();
      const paid = await pay(tokenOf(link.url), 'approved');
      expect(paid.json()).toEqual({ status: 'paid', orderId: order.orderId });
      expect(await orderNow(order.orderId)).toMatchObject({ stage: 'shipping_department', payment: { status: 'authorized', authorized: order.summary.total, paid: 0 } });
      const auths = env.sandbox.log().filter((e) => e.idempotencyKey?.startsWith(`paylink:${tokenOf(link.url).split('.')[0]}:`));
      expect(auths.map((e) => e.operation)).toEqual(['authorize']);
      const captured = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/capture`, payload: {} });
      expect(captured.json()).toMatchObject({ status: 'processed', paid: order.summary.total, authorized: 0 });
    } finally {
      await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'sale', version: put.json().version } });
    }
  });

  it('a newer link replaces the older one; an expired link is gone', async () => {
    const order = await unpaidOrder();
    const first = (await requestLink(order.orderId)).json();
    const second = (await requestLink(order.orderId, { expiresInHours: 1 })).json();
    expect(second.revokedLinks).toBe(1);
    const old = await view(tokenOf(first.url));
    expect(old.statusCode).toBe(410);
    expect(old.json()).toMatchObject({ code: 'pay_link_revoked' });
    expect((await view(tokenOf(second.url))).statusCode).toBe(200);

    const linkId = Number(tokenOf(second.url).split('.')[0]);
    await get().db.updateTable('pay_links').set({ expires_at: Date.now() - 1 }).where('id', '=', linkId).execute();
    for (const res of [await view(tokenOf(second.url)), await pay(tokenOf(second.url), 'approved')]) {
      expect(res.statusCode).toBe(410);
      expect(res.json()).toMatchObject({ code: 'pay_link_expired' });
    }
    expect((await orderNow(order.orderId)).stage).toBe('accounts_receivable');
  });

  it('a forged or altered token is a 404 that says nothing about the order', async () => {
    const order = await unpaidOrder();
    const token = tokenOf((await requestLink(order.orderId)).json().url);
    const [id, random, signature] = token.split('.') as [string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const bad of [`${id}.${flip(random)}.${signature}`, `${id}.${random}.${flip(signature)}`, `${Number(id) + 1}.${random}.${signature}`, 'not-a-token', `${token}x`]) {
      const res = await view(bad);
      expect(res.statusCode, bad).toBe(404);
      expect(res.json().detail).toBe('this payment link is not valid; check that the whole link was copied');
      expect((await pay(bad, 'approved')).statusCode).toBe(404);
    }
    expect((await orderNow(order.orderId)).stage).toBe('accounts_receivable');
  });

  it('refuses an order outside Accounts Receivable, a role without accounts_receivable:act, and bad input', async () => {
    const paidRes = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: (await env.card('approved')) as never }) });
    const wrongStage = await requestLink(paidRes.json().orderId);
    expect(wrongStage.statusCode, wrongStage.body).toBe(409);

    const order = await unpaidOrder();
    expect((await requestLink(order.orderId, {}, 'fulfilment')).statusCode).toBe(403);
    expect((await requestLink('OD-404404', {})).statusCode).toBe(404);
    const tooLong = await requestLink(order.orderId, { expiresInHours: 721 });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().field).toBe('/expiresInHours');
    expect((await env.t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.orderId}/payment-requests`, payload: {} })).statusCode).toBe(401);

    const token = tokenOf((await requestLink(order.orderId)).json().url);
    const typo = await pay(token, 'approved', { number: `${sandboxCard('approved').slice(0, -1)}2` });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().field).toBe('/number');
    expect(typo.body).not.toContain(sandboxCard('approved').slice(0, 12));
    const noMonth = await pay(token, 'approved', { expMonth: 13 });
    expect(noMonth.statusCode).toBe(400);
    expect(noMonth.json().field).toBe('/expMonth');
    // Invalid input costs no attempt.
    expect((await view(token)).json().attemptsLeft).toBe(MAX_CARD_ATTEMPTS);
  });

  it(`stops a link after ${MAX_CARD_ATTEMPTS} declined cards`, async () => {
    const order = await unpaidOrder();
    const token = tokenOf((await requestLink(order.orderId)).json().url);
    for (let i = 0; i < MAX_CARD_ATTEMPTS; i++) expect((await pay(token, 'declined (generic)')).json().status).toBe('declined');
    const blocked = await pay(token, 'approved');
    expect(blocked.statusCode).toBe(410);
    expect(blocked.json()).toMatchObject({ code: 'pay_link_exhausted' });
    expect((await orderNow(order.orderId)).stage).toBe('accounts_receivable');
  });

  it('a link stops working once the order is paid another way', async () => {
    const order = await unpaidOrder();
    const token = tokenOf((await requestLink(order.orderId)).json().url);
    await get().db.updateTable('orders').set({ stage: 'shipping_department' }).where('id', '=', order.id).execute();
    const res = await view(token);
    expect(res.statusCode).toBe(410);
    expect(res.json()).toMatchObject({ code: 'pay_link_settled' });
  });

  it('two submissions at once on one link charge at most once', async () => {
    const order = await unpaidOrder();
    const token = tokenOf((await requestLink(order.orderId)).json().url);
    const results = await Promise.all([pay(token, 'approved'), pay(token, 'approved')]);
    const paid = results.filter((r) => r.statusCode === 200 && r.json().status === 'paid');
    expect(paid).toHaveLength(1);
    for (const other of results.filter((r) => !paid.includes(r))) expect([409, 410]).toContain(other.statusCode);
    const rows = await get().db.selectFrom('payment_ledger').select(['status']).where('order_id', '=', order.id).where('kind', '=', 'sale').execute();
    expect(rows.filter((r) => r.status === 'approved')).toHaveLength(1);
  });

  it('rate limits each link', async () => {
    const order = await unpaidOrder();
    const token = tokenOf((await requestLink(order.orderId)).json().url);
    const codes: number[] = [];
    for (let i = 0; i < 61; i++) codes.push((await view(token)).statusCode);
    expect(codes.slice(0, 60).every((c) => c === 200)).toBe(true);
    expect(codes[60]).toBe(429);
  });

  it('sends no payment request while a charge of the order has no answer yet; once its outcome is recorded, it does', async () => {
    const order = await unpaidOrder();
    for (const status of ['started', 'unknown'] as const) {
      const id = await insertLedgerRow(get().db, {
        order_id: order.id, kind: 'sale', status, amount: order.summary.total, currency: 'USD', gateway: 'sandbox',
        idempotency_key: `test:${order.orderId}:${status}`, actor: 'test', created_at: Date.now(),
      });
      const refused = await requestLink(order.orderId);
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({ field: '/payment', detail: expect.stringMatching(new RegExp(`still in flight \\(${status}, entry ${id}\\); record its outcome first`)) });
      expect(await listEmailsForOrder(get().db, order.id)).toEqual([]);
      await get().db.updateTable('payment_ledger').set({ status: 'declined', resolved_at: Date.now() }).where('id', '=', id).execute();
    }
    const created = await requestLink(order.orderId);
    expect(created.statusCode, created.body).toBe(201);
    expect(await listEmailsForOrder(get().db, order.id)).toHaveLength(1);
  });

  it('a blocked card given on the pay page holds the order for fraud review instead of charging it', async () => {
    const order = await unpaidOrder();
    const token = tokenOf((await requestLink(order.orderId)).json().url);
    // Block the card the customer is about to give: vault it once, block its fingerprint through an order of its own.
    const blocked = await unpaidOrder();
    const blockedToken = tokenOf((await requestLink(blocked.orderId)).json().url);
    expect((await pay(blockedToken, 'declined: insufficient funds')).json().status).toBe('declined');
    const block = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${blocked.orderId}/fraud-review/block`, payload: { reason: 'card testing' } });
    expect(block.json().added.map((b: { kind: string }) => b.kind)).toContain('card');
    const before = env.sandbox.log().length;
    const res = await pay(token, 'declined: insufficient funds');
    expect(res.json()).toMatchObject({ status: 'processing', orderId: order.orderId });
    expect(env.sandbox.log().length).toBe(before); // nothing was sent to the gateway
    const held = await orderNow(order.orderId);
    expect(held.stage).toBe('fraud_review');
    expect(held.fraud.reasons.map((r: { rule: string }) => r.rule)).toContain('blocked_card');
    expect((await view(token)).statusCode).toBe(410);
  });
});

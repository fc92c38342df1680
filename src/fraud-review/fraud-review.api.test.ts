import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../test-support/payments.js';

describeEachDatabase('fraud scoring at intake and the Fraud Review department', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, role: 'admin' | 'fulfilment' = 'admin') =>
    env.t.as(role, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const place = async (overrides: object) => {
    const res = await api('POST', '/orders', orderInput(overrides));
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  // Blocking adds the order's address to the block list: tests that block use an address of their own.
  let street = 0;
  const ownAddress = () => ({ billing: { firstName: 'Eve', lastName: 'Mallory', line1: `${++street} Blocked Lane`, city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' } });
  const ledger = async (orderId: string) => (await api('GET', `/orders/${orderId}/payments`)).json();
  const withSettings = async (change: (s: Record<string, unknown>) => Record<string, unknown>, body: () => Promise<void>) => {
    const before = (await api('GET', '/fraud/settings')).json();
    const { updatedAt: _u, updatedBy: _b, ...editable } = before;
    const put = await api('PUT', '/fraud/settings', change(editable));
    expect(put.statusCode, put.body).toBe(200);
    try {
      await body();
    } finally {
      const { updatedAt: _u2, updatedBy: _b2, version, ...now } = (await api('GET', '/fraud/settings')).json();
      await api('PUT', '/fraud/settings', { ...editable, ...Object.fromEntries(Object.keys(now).map((k) => [k, editable[k]])), version });
    }
  };

  it('holds a blocked customer\'s order for review before any money moves, with the score and the rules that fired', async () => {
    // Base 36: thirteen decimal digits in a row can pass the Luhn check and be refused as a card number.
    const email = `blocked-${Date.now().toString(36)}@example.com`;
    expect((await api('POST', '/fraud/blocks', { kind: 'email', value: email, reason: 'test' })).statusCode).toBe(201);
    const order = await place({ customer: { email, ip: '10.9.9.9' }, payment: await env.card() });
    expect(order.stage).toBe('fraud_review');
    expect(order.fraud.score).toBeGreaterThanOrEqual(50);
    expect(order.fraud.reasons.map((r: { rule: string }) => r.rule)).toContain('blocked_email');
    expect(order.history[0].reason).toMatch(/fraud score \d+ reached 50: .*blocked_email/);
    expect((await ledger(order.orderId)).entries).toEqual([]);
  });

  it('approving charges the card on file and sends the paid order on to shipping', async () => {
    const order = await place({ fraudHold: true, payment: await env.card() });
    expect(order.stage).toBe('fraud_review');
    const approved = await api('POST', `/orders/${order.orderId}/fraud-review/approve`, { reason: 'called the customer' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed' }, fraud: { hold: false } });
    expect((await ledger(order.orderId)).entries).toEqual([expect.objectContaining({ kind: 'sale', status: 'approved' })]);
    const again = await api('POST', `/orders/${order.orderId}/fraud-review/approve`, { reason: 'twice' });
    expect(again.statusCode).toBe(409);
  });

  it('rejecting an authorized order voids the authorization', async () => {
    const settings = (await api('GET', '/payments/settings')).json();
    const put = await api('PUT', '/payments/settings', { cardMode: 'authorize', version: settings.version });
    try {
      let order: { orderId: string; stage: string; payment: { status: string } } | undefined;
      await withSettings((s) => ({ ...s, threshold: 20 }), async () => {
        order = await place({ payment: await env.card('approved with AVS mismatch (avs N)'), ...ownAddress() });
      });
      // Held after the authorization: the money is only held, so rejecting voids it and refunds nothing.
      expect(order!.stage).toBe('fraud_review');
      expect(order!.payment.status).toBe('authorized');
      const rejected = await api('POST', `/orders/${order!.orderId}/fraud-review/reject`, { reason: 'fraud' });
      expect(rejected.json().refund.status).toBe('not_needed');
      const payments = await ledger(order!.orderId);
      expect(payments.entries.map((e: { kind: string; status: string }) => `${e.kind}:${e.status}`)).toEqual(['authorize:approved', 'void:approved']);
      expect(payments).toMatchObject({ status: 'voided', authorized: 0 });
    } finally {
      await api('PUT', '/payments/settings', { cardMode: 'sale', version: put.json().version });
    }
  });
  it('an AVS mismatch answered by the gateway can take a paid order to review; rejecting refunds it', async () => {
    await withSettings((s) => ({ ...s, threshold: 20 }), async () => {
      const order = await place({ payment: await env.card('approved with AVS mismatch (avs N)'), ...ownAddress() });
      expect(order.stage).toBe('fraud_review');
      expect(order.payment.status).toBe('processed');
      expect(order.fraud.reasons.map((r: { rule: string }) => r.rule)).toContain('avs_mismatch');
      const rejected = await api('POST', `/orders/${order.orderId}/fraud-review/reject`, { reason: 'address does not match', block: true });
      expect(rejected.statusCode, rejected.body).toBe(200);
      const body = rejected.json();
      expect(body.order.stage).toBe('rejected');
      expect(body.refund).toEqual({ status: 'refunded', message: null });
      expect(body.blocked.map((b: { kind: string }) => b.kind).sort()).toEqual(['address', 'card', 'email', 'ip']);
      expect((await ledger(order.orderId))).toMatchObject({ status: 'refunded', refundable: 0 });
    });
  });

  it('a blocked card is caught on its next order; block is refused to a role without fraud_review:act', async () => {
    const payment = await env.card();
    const address = ownAddress();
    const first = await place({ payment, fraudHold: true, ...address });
    expect((await api('POST', `/orders/${first.orderId}/fraud-review/block`, { reason: 'stolen card' }, 'fulfilment')).statusCode).toBe(403);
    const block = await api('POST', `/orders/${first.orderId}/fraud-review/block`, { reason: 'stolen card' });
    expect(block.statusCode, block.body).toBe(200);
    expect(block.json().added.map((b: { kind: string }) => b.kind)).toContain('card');
    const second = await place({ payment, ...address });
    expect(second.stage).toBe('fraud_review');
    expect(second.fraud.reasons.map((r: { rule: string }) => r.rule)).toContain('blocked_card');
  });

  it('an exempt order keeps the exemption in its fraud reasons, though it is on every block list', async () => {
    const email = `trusted-${Date.now().toString(36)}@example.com`;
    const address = ownAddress();
    const payment = await env.card();
    const first = await place({ customer: { email, ip: '10.7.7.7' }, payment, fraudHold: true, ...address });
    expect((await api('POST', `/orders/${first.orderId}/fraud-review/block`, { reason: 'test' })).statusCode).toBe(200);
    await withSettings((s) => ({ ...s, exemptions: { trustedEmails: [email], exemptIps: [] } }), async () => {
      const order = await place({ customer: { email, ip: '10.7.7.7' }, payment, ...address });
      expect(order.stage).not.toBe('fraud_review');
      expect(order.fraud).toMatchObject({ score: 0, hold: false });
      expect(order.fraud.reasons).toEqual([{ rule: 'exempt', points: 0, detail: `trusted customer: ${email}; no rule ran, block lists not checked` }]);
      expect((await api('GET', `/orders/${order.orderId}`)).json().fraud.reasons).toEqual(order.fraud.reasons);
    });
  });

  it('a card blocked from an order or by its token is listed by brand, last four and expiry, never by more of its number', async () => {
    const payment = await env.card();
    const first = await place({ payment, fraudHold: true, ...ownAddress() });
    const block = await api('POST', `/orders/${first.orderId}/fraud-review/block`, { reason: 'stolen card' });
    expect(block.statusCode, block.body).toBe(200);
    const card = block.json().added.find((b: { kind: string }) => b.kind === 'card');
    expect(card.label).toMatch(/^Visa ····\d{4}, exp \d{2}\/\d{2}$/);
    const listed = (await api('GET', '/fraud/blocks?kind=card&limit=100')).json().items.find((b: { value: string }) => b.value === card.value);
    expect(listed).toMatchObject({ kind: 'card', label: card.label });

    // By hand: the token of another card, as on its order, blocks that card by fingerprint, with its label.
    const other = await env.card();
    const added = await api('POST', '/fraud/blocks', { kind: 'card', value: other.card.token, reason: 'chargeback' });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ kind: 'card', label: expect.stringMatching(/^Visa ····\d{4}, exp /) });
    expect(added.json().value).not.toBe(other.card.token);
    const second = await place({ payment: other, ...ownAddress() });
    expect(second.fraud.reasons.map((r: { rule: string }) => r.rule)).toContain('blocked_card');
    const again = await api('POST', '/fraud/blocks', { kind: 'card', value: other.card.token, reason: 'twice' });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain(added.json().label);
    const unknown = await api('POST', '/fraud/blocks', { kind: 'card', value: 'tok_nosuchcardnosuchcardnosuchcard', reason: 'x' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ field: '/value' });
  });

});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverOpenOperations } from './charge/recover-operations.js';
import { SANDBOX_TEST_ACCOUNTS } from './sandbox/test-cards.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv, waitFor } from '../test-support/payments.js';


describeEachDatabase('payments through the sandbox gateway', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  const place = async (payment: object, extra: object = {}, headers: Record<string, string> = {}) => {
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: payment as never, ...extra }), headers });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const ledger = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}/payments` })).json();
  const salesFor = (orderId: number | string) => env.sandbox.log().filter((e) => e.operation === 'sale' && e.result !== 'refused' && e.idempotencyKey?.includes(String(orderId)));

  it('charges a vaulted card once when the order is placed, and routes the paid order to shipping', async () => {
    const order = await place(await env.card('approved'));
    expect(order.stage).toBe('shipping_department');
    expect(order.payment).toMatchObject({ status: 'processed', paid: order.summary.total, card: { brand: 'visa' } });
    const payments = await ledger(order.orderId);
    expect(payments.entries).toEqual([expect.objectContaining({ kind: 'sale', status: 'approved', amount: order.summary.total, gateway: 'sandbox', attempts: 1 })]);
    expect(salesFor(order.orderId)).toHaveLength(1);
    expect(order.history.map((h: { kind: string }) => h.kind)).toEqual(['created', 'payment', 'stage']);
  });

  it.each([
    ['declined (generic)', 'card_declined'],
    ['declined: insufficient funds', 'insufficient_funds'],
    ['declined: expired card', 'expired_card'],
    ['declined: CVV mismatch (cvv N)', 'incorrect_cvc'],
  ])('a card %s leaves the order in Accounts Receivable with the code', async (behaviour, code) => {
    const order = await place(await env.card(behaviour));
    expect(order.stage).toBe('accounts_receivable');
    expect(order.payment.status).toBe('declined');
    expect((await ledger(order.orderId)).entries[0]).toMatchObject({ status: 'declined', declineCode: code });
  });

  it('authorizes instead of selling when configured, and captures later', async () => {
    const settings = (await env.t.as('admin', { method: 'GET', url: '/api/v1/payments/settings' })).json();
    // The connection is the server's configuration, shown as it is (the test env's adapter: 2 s, 3 attempts).
    expect(settings).toMatchObject({ gateway: 'sandbox', connection: { url: env.sandbox.url, timeoutMs: 2_000, attempts: 3 } });
    const put = await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'authorize', version: settings.version } });
    expect(put.statusCode, put.body).toBe(200);
    const stale = await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'sale', version: settings.version } });
    expect(stale.statusCode).toBe(409);
    try {
      const order = await place(await env.card('approved'));
      expect(order.payment).toMatchObject({ status: 'authorized', authorized: order.summary.total, paid: 0 });
      expect(order.stage).toBe('shipping_department');
      const captured = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/capture`, payload: {} });
      expect(captured.statusCode, captured.body).toBe(200);
      expect(captured.json()).toMatchObject({ status: 'processed', paid: order.summary.total, authorized: 0 });
      const again = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/capture`, payload: {} });
      expect(again.statusCode).toBe(409);

      // Rejecting (cancelling) an authorized order releases the hold on the customer's money, and nothing is captured after.
      const cancelled = await place(await env.card('approved'));
      expect(cancelled.payment.status).toBe('authorized');
      const rejected = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${cancelled.orderId}/reject`, payload: { reason: 'customer cancelled' } });
      expect(rejected.statusCode, rejected.body).toBe(200);
      const after = await ledger(cancelled.orderId);
      expect(after.entries.map((e: { kind: string; status: string }) => [e.kind, e.status])).toEqual([['authorize', 'approved'], ['void', 'approved']]);
      expect(after).toMatchObject({ status: 'voided', authorized: 0, paid: 0 });
      const late = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${cancelled.orderId}/payments/capture`, payload: {} });
      expect(late.statusCode).toBe(409);
      expect(late.json().detail).toContain('rejected');
    } finally {
      await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'sale', version: put.json().version } });
    }
  });

  it('refuses to capture or refund through the gateway a payment the storefront reported without its reference', async () => {
    const card = { token: 'tok_storefront_1', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 };
    const authorized = await place({ method: 'credit_card', status: 'authorized', card });
    const capture = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${authorized.orderId}/payments/capture`, payload: {} });
    expect(capture.statusCode).toBe(409);
    expect(capture.json().detail).toMatch(/without its gateway reference/);
    const paid = await place({ method: 'credit_card', status: 'processed', card });
    const refund = await env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${paid.orderId}/refunds`, payload: { amount: 100, reason: 'goodwill', method: 'gateway' } });
    expect(refund.statusCode).toBe(400);
    expect(refund.json()).toMatchObject({ field: '/method', detail: expect.stringMatching(/external refund/) });
    const sent = env.sandbox.log().filter((e) => [paid.orderId, authorized.orderId].some((id) => e.idempotencyKey?.includes(`:${id}:`)));
    expect(sent).toEqual([]);
    expect((await ledger(paid.orderId)).entries.map((e: { kind: string }) => e.kind)).toEqual(['sale']);
  });

  it('retries a lost answer and a 5xx with the same idempotency key: exactly one charge', async () => {
    const order = await place(await env.card('approved'), {}, {});
    expect(salesFor(order.orderId)).toHaveLength(1);
    for (const fault of ['timeout;times=1', '5xx;times=2']) {
      const gw = await startPaymentTestEnv(get().db, { gateway: { headers: { 'sandbox-fault': fault }, timeoutMs: 300, maxAttempts: 3 } });
      try {
        const res = await gw.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: (await gw.card()) as never }) });
        const placed = res.json();
        expect(placed.payment.status, fault).toBe('processed');
        const approved = gw.sandbox.log().filter((e) => e.operation === 'sale' && e.result === 'approved');
        expect(approved, fault).toHaveLength(1);
      } finally {
        await gw.close();
      }
    }
  });

  it('an answer still unknown after the retries stays open; recovery asks again with the same key and charges once', async () => {
    const gw = await startPaymentTestEnv(get().db, { gateway: { headers: { 'sandbox-fault': 'timeout;times=2' }, timeoutMs: 200, maxAttempts: 2 } });
    try {
      const order = (await gw.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: (await gw.card()) as never }) })).json();
      expect(order.stage).toBe('accounts_receivable');
      expect(order.payment.status).toBe('unprocessed');
      const open = (await (await gw.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}/payments` })).json()).entries[0];
      expect(open).toMatchObject({ status: 'unknown', attempts: 1 });
      const run = await recoverOpenOperations(get().db, gw.payments, { now: Date.now() + 3_600_000 });
      expect(run.resolved).toBeGreaterThanOrEqual(1);
      const after = (await gw.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}` })).json();
      expect(after).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed' } });
      // The sandbox processed the first (lost) request; the later ones replayed its answer.
      expect(gw.sandbox.log().filter((e) => e.operation === 'sale' && e.result === 'approved')).toHaveLength(1);
    } finally {
      await gw.close();
    }
  });

  it('replaying the create request with its Idempotency-Key answers the same order and charges nothing more', async () => {
    const payment = await env.card();
    const input = orderInput({ payment: payment as never });
    const first = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input, headers: { 'idempotency-key': `create-${input.customer.email}` } });
    const second = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input, headers: { 'idempotency-key': `create-${input.customer.email}` } });
    expect(second.json().orderId).toBe(first.json().orderId);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(salesFor(first.json().orderId)).toHaveLength(1);
  });

  describe('e-checks and notifications', () => {
    const echeck = (accountNumber: string) => ({ method: 'e_check', echeck: { routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber, accountType: 'checking' } });
    const stageOf = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();

    it('waits in Pending Clearance until the signed notification clears it, then ships', async () => {
      const order = await place(echeck('000123456789'));
      expect(order.stage).toBe('pending_clearance');
      await waitFor(async () => (await stageOf(order.orderId)).stage === 'shipping_department');
      const after = await stageOf(order.orderId);
      expect(after.payment).toMatchObject({ status: 'processed', paid: order.summary.total });
    });

    it('a bounced e-check goes to Accounts Receivable with the reason', async () => {
      const order = await place(echeck(SANDBOX_TEST_ACCOUNTS.bouncesInsufficientFunds));
      expect(order.stage).toBe('pending_clearance');
      await waitFor(async () => (await stageOf(order.orderId)).stage === 'accounts_receivable');
      const after = await stageOf(order.orderId);
      expect(after.payment.status).toBe('declined');
      expect(after.history.at(-1).reason).toBe('payment failed');
      expect(after.history.find((h: { kind: string; reason: string }) => h.kind === 'payment' && /R01/.test(h.reason))).toBeTruthy();
    });

    it('applies duplicated notifications once', async () => {
      env.sandbox.setFaults({ duplicateNotifications: true });
      try {
        const order = await place(echeck('000123456780'));
        await waitFor(async () => (await stageOf(order.orderId)).stage === 'shipping_department');
        await env.sandbox.notificationsIdle();
        const events = await get().db.selectFrom('gateway_events').selectAll().where('type', '=', 'cleared').execute();
        const payments = await ledger(order.orderId);
        const mine = events.filter((e) => e.reference === payments.entries[0].gatewayReference);
        expect(mine).toHaveLength(1);
        expect(mine[0]!.status).toBe('applied');
        expect((await stageOf(order.orderId)).history.filter((h: { kind: string }) => h.kind === 'payment')).toHaveLength(2);
      } finally {
        env.sandbox.setFaults({});
      }
    });

    it('a chargeback is a ledger row and blocks refunds', async () => {
      const order = await place(await env.card());
      const reference = (await ledger(order.orderId)).entries[0].gatewayReference;
      env.sandbox.chargeback(reference, { reason: '13.1 merchandise not received' });
      await waitFor(async () => (await ledger(order.orderId)).refundBlocked);
      const payments = await ledger(order.orderId);
      expect(payments.entries.map((e: { kind: string }) => e.kind)).toEqual(['sale', 'chargeback']);
      expect(payments).toMatchObject({ refundable: 0, refundBlocked: true });
    });
  });
});

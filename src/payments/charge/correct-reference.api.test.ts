import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';
import { SANDBOX_NOTIFICATION_PATH } from '../gateway/gateway-setup.js';
import { signNotification } from '../gateway/signature.js';
import { SANDBOX_TEST_ACCOUNTS } from '../sandbox/test-cards.js';
import { recoverOpenOperations } from './recover-operations.js';

const SECRET = 'correct-reference-test-secret';

/**
 * A gateway reference typed wrong when an e-check was recorded as accepted by hand: the real notification
 * matches nothing and is kept, and the order would wait in Pending Clearance for good. Corrected by hand.
 */
describeEachDatabase('correcting a gateway reference entered by hand', (get) => {
  let lost: PaymentTestEnv;
  let quiet: PaymentTestEnv;
  // The notification route of an app sharing the database, with a secret this test knows, to deliver its own.
  let door: TestApp;
  beforeAll(async () => {
    // Every answer is lost: the sandbox takes the submission and notifies, but Orderdeck never learns its reference.
    lost = await startPaymentTestEnv(get().db, { gateway: { headers: { 'sandbox-fault': 'timeout' }, timeoutMs: 150, maxAttempts: 1 } });
    quiet = await startPaymentTestEnv(get().db, { sandbox: { settleDelayMs: 3_600_000 } });
    door = await buildTestApp(get().db, { gatewaySecret: SECRET });
  });
  afterAll(async () => {
    await lost.close();
    await quiet.close();
    await door.close();
  });

  const echeck = (accountNumber: string) => ({
    method: 'e_check', echeck: { routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber, accountType: 'checking' },
  });
  const place = async (env: PaymentTestEnv, payment: object) => {
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: payment as never }) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const order = async (orderId: string) => (await lost.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();
  const entries = async (env: PaymentTestEnv, orderId: string) =>
    (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}/payments` })).json().entries;
  const correct = (role: 'admin' | 'accounting' | 'customer_service' | 'fulfilment', orderId: string, ledgerId: number, body: object, headers: Record<string, string> = {}) =>
    lost.t.as(role, { method: 'POST', url: `/api/v1/orders/${orderId}/payments/${ledgerId}/reference`, payload: body, headers });
  const keptFor = (reference: string) => get().db.selectFrom('gateway_events').select(['type', 'status', 'outcome']).where('reference', '=', reference).execute();
  const notify = (body: string) => door.app.inject({
    method: 'POST', url: SANDBOX_NOTIFICATION_PATH, payload: body, headers: { 'content-type': 'application/json', 'sandbox-signature': signNotification(SECRET, body) },
  });

  /** An e-check whose answer was lost, recorded by hand as accepted under `typed`; answers the true reference. */
  async function strandedWithWrongReference(account: string, typed: string) {
    const placed = await place(lost, echeck(account));
    await recoverOpenOperations(get().db, lost.payments, { now: Date.now() + 3_600_000 });
    const [charge] = await entries(lost, placed.orderId);
    expect(charge.status).toBe('unknown');
    await lost.sandbox.notificationsIdle();
    const truth = lost.sandbox.log().find((e) => e.operation === 'sale' && e.idempotencyKey?.includes(placed.orderId))!.transaction!;
    const resolved = await lost.t.as('accounting', {
      method: 'POST', url: `/api/v1/orders/${placed.orderId}/payments/${charge.id}/resolve`, payload: { outcome: 'approved', gatewayReference: typed, note: 'read off the dashboard' },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    return { placed, charge: resolved.json().entries[0], truth };
  }

  it('a cleared e-check stranded by a mistyped reference moves on once the reference is corrected', async () => {
    const { placed, charge, truth } = await strandedWithWrongReference('000123456791', `WRONG-${randomUUID()}`);
    expect(charge).toMatchObject({ status: 'pending', details: { referenceByHand: { actor: expect.stringContaining('accounting') } } });
    expect((await order(placed.orderId)).stage).toBe('pending_clearance');
    // The gateway's clearing named the true reference, matched nothing and was kept.
    expect(await keptFor(truth)).toEqual([{ type: 'cleared', status: 'ignored', outcome: expect.stringMatching(/no payment of ours/) }]);

    const version = (await order(placed.orderId)).version;
    const headers = { 'idempotency-key': `correct-${placed.orderId}` };
    const body = { gatewayReference: ` ${truth} `, reason: 'typed the batch number; the dashboard shows the transaction id', version };
    const res = await correct('accounting', placed.orderId, charge.id, body, headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'processed', paid: placed.summary.total });
    expect(res.json().entries[0]).toMatchObject({ status: 'approved', gatewayReference: truth });

    const after = await order(placed.orderId);
    expect(after.stage).toBe('shipping_department');
    const corrected = after.history.find((h: { reason: string | null }) => /gateway reference .* corrected/.test(h.reason ?? ''));
    expect(corrected).toMatchObject({
      kind: 'payment', actor: expect.stringContaining('accounting'), changes: [`gateway reference ${charge.gatewayReference} → ${truth}`],
      reason: expect.stringMatching(/corrected: typed the batch number/),
    });
    expect(after.history.map((h: { to: string | null }) => h.to).filter(Boolean).slice(-2)).toEqual(['pending_clearance', 'shipping_department']);
    expect(await keptFor(truth)).toEqual([{ type: 'cleared', status: 'applied', outcome: expect.stringMatching(/cleared .*applied once the reference was recorded/) }]);
    const outbox = await get().db.selectFrom('outbox').select('payload_json').where('topic', '=', 'order.payment_reference_corrected').execute();
    expect(outbox.map((e) => JSON.parse(e.payload_json))).toContainEqual(expect.objectContaining({ orderId: placed.orderId, from: charge.gatewayReference, to: truth }));

    // Replays change nothing: the same request with its key gets the first answer; without it, the charge is settled.
    const replay = await correct('accounting', placed.orderId, charge.id, body, headers);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(res.json());
    expect((await correct('accounting', placed.orderId, charge.id, { gatewayReference: 'txn-other', reason: 'again' }, headers)).json())
      .toMatchObject({ status: 422, field: 'Idempotency-Key' });
    expect((await correct('accounting', placed.orderId, charge.id, { gatewayReference: `${truth}-x`, reason: 'again' })).json())
      .toMatchObject({ status: 409, detail: expect.stringMatching(/is approved: a reference is corrected only while its charge awaits clearance/) });
    // The gateway redelivering the clearing: a duplicate, nothing moves.
    const [stored] = await get().db.selectFrom('gateway_events').select('payload_json').where('reference', '=', truth).execute();
    expect((await notify(stored!.payload_json)).json()).toEqual({ received: true, duplicate: true });
    const last = await order(placed.orderId);
    expect({ stage: last.stage, version: last.version, history: last.history.length }).toEqual({ stage: 'shipping_department', version: after.version, history: after.history.length });
  });

  it('a bounced e-check goes to Accounts Receivable with the gateway\'s reason once its reference is corrected', async () => {
    const { placed, charge, truth } = await strandedWithWrongReference(SANDBOX_TEST_ACCOUNTS.bouncesInsufficientFunds, `WRONG-${randomUUID()}`);
    expect(await keptFor(truth)).toEqual([{ type: 'failed', status: 'ignored', outcome: expect.any(String) }]);
    const res = await correct('admin', placed.orderId, charge.id, { gatewayReference: truth, reason: 'one digit off' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().entries[0]).toMatchObject({ status: 'failed', declineCode: 'returned', message: 'R01 insufficient funds', gatewayReference: truth });
    const after = await order(placed.orderId);
    expect(after.stage).toBe('accounts_receivable');
    expect(after.history.at(-1)).toMatchObject({ to: 'accounts_receivable' });
    expect(after.history.some((h: { reason: string | null }) => /failed to clear: R01 insufficient funds/.test(h.reason ?? ''))).toBe(true);
  });

  it('corrected before the notification comes: the order waits, and the notification for the right reference then applies', async () => {
    const { placed, charge } = await strandedWithWrongReference('000123456792', `WRONG-${randomUUID()}`);
    const right = `txn_${randomUUID()}`;
    const res = await correct('accounting', placed.orderId, charge.id, { gatewayReference: right, reason: 'support gave the right id' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().entries[0]).toMatchObject({ status: 'pending', gatewayReference: right });
    expect((await order(placed.orderId)).stage).toBe('pending_clearance');
    const body = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'cleared', transaction: right, amount: charge.amount, currency: charge.currency, occurredAt: new Date().toISOString() });
    expect((await notify(body)).json()).toEqual({ received: true, duplicate: false });
    expect((await order(placed.orderId)).stage).toBe('shipping_department');
  });

  it('refuses, changing nothing: wrong desk, blank reason, same or taken reference, another amount kept for it, stale version', async () => {
    const wrong = `WRONG-${randomUUID()}`;
    const { placed, charge } = await strandedWithWrongReference('000123456793', wrong);
    const other = await place(quiet, echeck('000123456794'));
    const [taken] = await entries(quiet, other.orderId);
    const foreign = `txn_${randomUUID()}`;
    const kept = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'cleared', transaction: foreign, amount: charge.amount + 100, currency: charge.currency, occurredAt: new Date().toISOString() });
    expect((await notify(kept)).statusCode).toBe(200);
    const ok = { gatewayReference: `txn_${randomUUID()}`, reason: 'checked with support' };

    expect((await correct('customer_service', placed.orderId, charge.id, ok)).statusCode).toBe(403);
    expect((await correct('fulfilment', placed.orderId, charge.id, ok)).statusCode).toBe(403);
    expect((await correct('accounting', placed.orderId, charge.id, { ...ok, reason: '   ' })).json()).toMatchObject({ status: 400, field: '/reason' });
    expect((await correct('accounting', placed.orderId, charge.id, { ...ok, gatewayReference: ` ${wrong}` })).json()).toMatchObject({ status: 400, field: '/gatewayReference' });
    expect((await correct('accounting', placed.orderId, charge.id, { ...ok, gatewayReference: taken.gatewayReference })).json())
      .toMatchObject({ status: 409, field: '/gatewayReference', detail: expect.stringMatching(/already recorded on another order's payment/) });
    expect((await correct('accounting', placed.orderId, charge.id, { ...ok, gatewayReference: foreign })).json())
      .toMatchObject({ status: 409, field: '/gatewayReference', detail: expect.stringMatching(/kept for .* is for .*this charge is/) });
    const version = (await order(placed.orderId)).version;
    expect((await correct('accounting', placed.orderId, charge.id, { ...ok, version: version - 1 })).json()).toMatchObject({ status: 409, field: '/version' });
    expect((await correct('accounting', placed.orderId, charge.id, ok, { 'if-match': `"v${version - 1}"` })).json()).toMatchObject({ status: 412, field: 'If-Match' });
    expect((await correct('accounting', placed.orderId, charge.id + 10_000, ok)).statusCode).toBe(404);

    const after = await order(placed.orderId);
    expect({ stage: after.stage, version: after.version }).toEqual({ stage: 'pending_clearance', version });
    expect((await entries(lost, placed.orderId))[0]).toMatchObject({ status: 'pending', gatewayReference: wrong });
    expect(await keptFor(foreign)).toEqual([{ type: 'cleared', status: 'ignored', outcome: expect.any(String) }]);
  });

  it('refuses a reference the gateway answered with itself: only one typed by hand is corrected', async () => {
    const placed = await place(quiet, echeck('000123456795'));
    expect(placed.stage).toBe('pending_clearance');
    const [charge] = await entries(quiet, placed.orderId);
    expect(charge).toMatchObject({ status: 'pending', gatewayReference: expect.any(String), details: null });
    const res = await quiet.t.as('admin', {
      method: 'POST', url: `/api/v1/orders/${placed.orderId}/payments/${charge.id}/reference`, payload: { gatewayReference: `txn_${randomUUID()}`, reason: 'looks wrong' },
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().detail).toMatch(/not entered by hand: it is the gateway's own answer/);
    expect((await entries(quiet, placed.orderId))[0].gatewayReference).toBe(charge.gatewayReference);
  });
});

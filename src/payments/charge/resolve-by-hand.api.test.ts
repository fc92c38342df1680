import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';
import { SANDBOX_TEST_ACCOUNTS } from '../sandbox/test-cards.js';
import { recoverOpenOperations } from './recover-operations.js';

/** Charges whose outcome Orderdeck cannot learn by itself, settled by a person who checked with the gateway. */
describeEachDatabase('resolving a charge by hand', (get) => {
  let lost: PaymentTestEnv;
  let quiet: PaymentTestEnv;
  beforeAll(async () => {
    // Every answer is lost: an e-check's submission ends unknown, and its account is not kept to resend.
    lost = await startPaymentTestEnv(get().db, { gateway: { headers: { 'sandbox-fault': 'timeout' }, timeoutMs: 150, maxAttempts: 1 } });
    // The e-check is accepted; its notification would come only after an hour.
    quiet = await startPaymentTestEnv(get().db, { sandbox: { settleDelayMs: 3_600_000 } });
  });
  afterAll(async () => {
    await lost.close();
    await quiet.close();
  });
  const echeck = (accountNumber: string) => ({
    method: 'e_check', echeck: { routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber, accountType: 'checking' },
  });
  const place = async (env: PaymentTestEnv, payment: object) => {
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: payment as never }) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const resolve = (env: PaymentTestEnv, role: 'admin' | 'accounting' | 'fulfilment', orderId: string, ledgerId: number, body: object, headers: Record<string, string> = {}) =>
    env.t.as(role, { method: 'POST', url: `/api/v1/orders/${orderId}/payments/${ledgerId}/resolve`, payload: body, headers });
  const entries = async (env: PaymentTestEnv, orderId: string) =>
    (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}/payments` })).json().entries;

  it('a lost e-check submission that recovery cannot resend blocks retries until someone records that it failed', async () => {
    const order = await place(lost, echeck('000123456783'));
    expect(order.stage).toBe('accounts_receivable');
    await recoverOpenOperations(get().db, lost.payments, { now: Date.now() + 3_600_000 });
    const [charge] = await entries(lost, order.orderId);
    expect(charge).toMatchObject({ kind: 'sale', status: 'unknown', message: expect.stringMatching(/cannot be sent again/) });
    const retry = await lost.t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/retry`, payload: {} });
    expect(retry.json()).toMatchObject({ status: 409, detail: expect.stringMatching(new RegExp(`in flight \\(unknown, entry ${charge.id}\\).*record it by hand`)) });

    expect((await resolve(lost, 'fulfilment', order.orderId, charge.id, { outcome: 'failed', note: 'not on the dashboard' })).statusCode).toBe(403);
    const blank = await resolve(lost, 'accounting', order.orderId, charge.id, { outcome: 'failed', note: '  ' });
    expect(blank.json()).toMatchObject({ status: 400, field: '/note' });
    const noReference = await resolve(lost, 'accounting', order.orderId, charge.id, { outcome: 'approved', note: 'seen on the dashboard' });
    expect(noReference.json()).toMatchObject({ status: 400, field: '/gatewayReference' });
    expect((await entries(lost, order.orderId))[0].status).toBe('unknown'); // refused requests change nothing

    const failed = await resolve(lost, 'accounting', order.orderId, charge.id, { outcome: 'failed', note: 'not on the gateway dashboard (checked 10:40)' });
    expect(failed.statusCode, failed.body).toBe(200);
    expect(failed.json().entries[0]).toMatchObject({ status: 'failed', declineCode: 'resolved_by_hand', message: 'not on the gateway dashboard (checked 10:40)' });
    const after = (await lost.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}` })).json();
    expect(after.stage).toBe('accounts_receivable');
    expect(after.history.at(-1)).toMatchObject({ kind: 'payment', reason: expect.stringMatching(/recorded as failed by hand: not on the gateway dashboard/), actor: expect.stringContaining('accounting') });
    // Now nothing is in flight: A/R may collect it again (here a pay link, the e-check's details being gone).
    const link = await lost.t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payment-requests`, payload: {} });
    expect(link.statusCode, link.body).toBe(201);
    const again = await resolve(lost, 'accounting', order.orderId, charge.id, { outcome: 'approved', gatewayReference: 'x', note: 'changed my mind' });
    expect(again.statusCode).toBe(409);
  });

  it('a lost e-check the gateway did accept waits for clearing again, and the notification that came meanwhile is applied', async () => {
    const order = await place(lost, echeck('000123456785'));
    await recoverOpenOperations(get().db, lost.payments, { now: Date.now() + 3_600_000 });
    const [charge] = await entries(lost, order.orderId);
    expect(charge.status).toBe('unknown');
    // The sandbox took the submission (only its answer was lost) and has since sent its clearing, which
    // matched no payment of ours: it was kept, ignored.
    await lost.sandbox.notificationsIdle();
    const submitted = lost.sandbox.log().find((e) => e.operation === 'sale' && e.idempotencyKey?.includes(order.orderId))!;
    const ignored = await get().db.selectFrom('gateway_events').select(['type', 'status']).where('reference', '=', submitted.transaction!).execute();
    expect(ignored).toEqual([{ type: 'cleared', status: 'ignored' }]);

    const res = await resolve(lost, 'accounting', order.orderId, charge.id, { outcome: 'approved', gatewayReference: submitted.transaction, note: 'found on the dashboard' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'processed', paid: order.summary.total });
    expect(res.json().entries[0]).toMatchObject({ status: 'approved', gatewayReference: submitted.transaction });
    const after = (await lost.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}` })).json();
    expect(after.stage).toBe('shipping_department');
    // By way of Pending Clearance: recorded as submitted by hand, then cleared by the gateway's own notification.
    expect(after.history.map((h: { to: string | null }) => h.to).filter(Boolean).slice(-2)).toEqual(['pending_clearance', 'shipping_department']);
    expect(after.history.some((h: { reason: string | null }) => /accepted by the gateway, awaiting clearance, by hand .*found on the dashboard/.test(h.reason ?? ''))).toBe(true);
    const events = await get().db.selectFrom('gateway_events').select(['status', 'outcome']).where('reference', '=', submitted.transaction!).execute();
    expect(events).toEqual([{ status: 'applied', outcome: expect.stringMatching(/cleared .*applied once the reference was recorded/) }]);
  });

  it('a card charge whose answer was lost is left to recovery, which can ask the gateway again', async () => {
    const order = await place(lost, await lost.card());
    const [charge] = await entries(lost, order.orderId);
    expect(charge).toMatchObject({ kind: 'sale', status: 'unknown' });
    const refused = await resolve(lost, 'admin', order.orderId, charge.id, { outcome: 'failed', note: 'not on the dashboard' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/card charge: recovery asks the gateway again/);
    expect((await entries(lost, order.orderId))[0].status).toBe('unknown');
  });

  it('a pending e-check is never resolved by hand: only its notification takes it out of Pending Clearance', async () => {
    const order = await place(quiet, echeck('000123456784'));
    expect(order.stage).toBe('pending_clearance');
    const [charge] = await entries(quiet, order.orderId);
    expect(charge.status).toBe('pending');
    const refused = await resolve(quiet, 'admin', order.orderId, charge.id, { outcome: 'approved', note: 'settled in the 12 May batch' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/only by the gateway's signed notification/);
    expect((await entries(quiet, order.orderId))[0].status).toBe('pending');
    // Another order's entry is refused by name.
    expect((await resolve(quiet, 'admin', order.orderId, charge.id + 10_000, { outcome: 'failed', note: 'x' })).statusCode).toBe(404);
  });

  it('refuses a gateway reference another ledger row already holds (409 /gatewayReference), which would strand the order', async () => {
    const other = await place(quiet, echeck('000123456786'));
    const [taken] = await entries(quiet, other.orderId);
    expect(taken).toMatchObject({ status: 'pending', gatewayReference: expect.any(String) });
    const order = await place(lost, echeck('000123456787'));
    await recoverOpenOperations(get().db, lost.payments, { now: Date.now() + 3_600_000 });
    const [charge] = await entries(lost, order.orderId);
    expect(charge.status).toBe('unknown');
    const refused = await resolve(lost, 'accounting', order.orderId, charge.id, { outcome: 'approved', gatewayReference: ` ${taken.gatewayReference} `, note: 'copied from the dashboard' });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ field: '/gatewayReference', detail: expect.stringMatching(/already recorded on another order's payment/) });
    expect((await entries(lost, order.orderId))[0]).toMatchObject({ status: 'unknown', gatewayReference: null });
    expect((await lost.t.as('admin', { method: 'GET', url: `/api/v1/orders/${order.orderId}` })).json().stage).toBe('accounts_receivable');
  });

  it('a retried resolution with its Idempotency-Key gets the first answer; another body with the key is 422', async () => {
    const order = await place(lost, echeck('000123456788'));
    await recoverOpenOperations(get().db, lost.payments, { now: Date.now() + 3_600_000 });
    const [charge] = await entries(lost, order.orderId);
    const body = { outcome: 'failed', note: 'not on the dashboard' };
    const headers = { 'idempotency-key': `resolve-${order.orderId}` };
    const first = await resolve(lost, 'accounting', order.orderId, charge.id, body, headers);
    expect(first.statusCode, first.body).toBe(200);
    const again = await resolve(lost, 'accounting', order.orderId, charge.id, body, headers);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await resolve(lost, 'accounting', order.orderId, charge.id, { ...body, note: 'something else' }, headers);
    expect(other.json()).toMatchObject({ status: 422, field: 'Idempotency-Key' });
  });
});

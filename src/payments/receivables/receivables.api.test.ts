import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';

describeEachDatabase('Accounts Receivable actions', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let ip = 0;
  // An address of its own per order, so the fraud rules' IP velocity never holds these orders for review.
  const place = async (payment: object) => {
    const input = orderInput({ payment: payment as never });
    input.customer = { ...input.customer, ip: `198.51.${Math.floor(++ip / 250)}.${ip % 250}` };
    const res = await env.t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ orderId: string; stage: string; summary: { total: number } }>();
  };
  const declinedOrder = async () => {
    const order = await place(await env.card('declined: insufficient funds'));
    expect(order.stage).toBe('accounts_receivable');
    return order;
  };
  const retry = (orderId: string, payload: object = {}, role: 'admin' | 'accounting' | 'fulfilment' = 'accounting') =>
    env.t.as(role, { method: 'POST', url: `/api/v1/orders/${orderId}/payments/retry`, payload });
  const getOrder = async (orderId: string) => (await env.t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();
  const sales = (orderId: string) => env.sandbox.log().filter((e) => e.operation === 'sale' && e.idempotencyKey?.startsWith(`ar:${orderId}:`));

  it('retries a declined order on a newly vaulted card: approved, the card recorded and audited, the order ships', async () => {
    const order = await declinedOrder();
    const again = await retry(order.orderId);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ orderId: order.orderId, result: 'declined', code: 'insufficient_funds', stage: 'accounts_receivable' });

    const { card } = await env.card('approved');
    const res = await retry(order.orderId, { cardToken: card.token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ result: 'approved', stage: 'shipping_department', paymentStatus: 'processed' });
    const after = await getOrder(order.orderId);
    expect(after.payment).toMatchObject({ status: 'processed', paid: order.summary.total, card: { token: card.token } });
    expect(after.history.find((h: { kind: string; reason: string }) => h.kind === 'updated' && /card replaced/.test(h.reason))).toBeTruthy();
    // Two attempts, two keys of their own; one approved sale.
    expect(new Set(sales(order.orderId).map((s) => s.idempotencyKey)).size).toBe(2);
    expect(sales(order.orderId).filter((s) => s.result === 'approved')).toHaveLength(1);
  });

  it('a retried retry with its Idempotency-Key gets the first answer, not "not in accounts_receivable", and charges once', async () => {
    const order = await declinedOrder();
    const { card } = await env.card('approved');
    const headers = { 'idempotency-key': `retry-${order.orderId}` };
    const send = (payload: object) => env.t.as('accounting', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/retry`, payload, headers });
    const first = await send({ cardToken: card.token });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ result: 'approved', stage: 'shipping_department' });
    const again = await send({ cardToken: card.token });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect((await send({})).json()).toMatchObject({ status: 422, field: 'Idempotency-Key' });
    expect(sales(order.orderId).filter((s) => s.result === 'approved')).toHaveLength(1);
  });

  it('refuses an order outside A/R (409 naming the stage), a token not in the vault (400 /cardToken) and a user without the permission (403)', async () => {
    const paid = await place(await env.card('approved'));
    const wrongStage = await retry(paid.orderId);
    expect(wrongStage.statusCode).toBe(409);
    expect(wrongStage.json().detail).toMatch(/shipping_department, not accounts_receivable/);

    const order = await declinedOrder();
    const missing = await retry(order.orderId, { cardToken: 'tok_not_in_the_vault' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ field: '/cardToken' });
    expect((await retry(order.orderId, {}, 'fulfilment')).statusCode).toBe(403);
  });

  it('refuses a card order with no vaulted card (409 /cardToken) and a retry while a charge is in flight (409)', async () => {
    const noCard = await place({ method: 'credit_card' });
    expect(noCard.stage).toBe('accounts_receivable');
    const res = await retry(noCard.orderId);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ field: '/cardToken' });

    const order = await declinedOrder();
    const db = get().db;
    const row = await db.selectFrom('orders').select('id').where('order_number', '=', order.orderId).executeTakeFirstOrThrow();
    await db.insertInto('payment_ledger').values({
      order_id: row.id, kind: 'sale', amount: 100, currency: 'USD', gateway: 'sandbox', idempotency_key: `test:${order.orderId}:open`,
      parent_id: null, source_token: null, status: 'unknown', gateway_reference: null, decline_code: null, message: null, avs: null, cvv: null,
      actor: 'test', reason: null, details_json: null, attempts: 1, created_at: Date.now(), resolved_at: null, next_attempt_at: Date.now() + 3_600_000,
    }).execute();
    const inFlight = await retry(order.orderId);
    expect(inFlight.statusCode).toBe(409);
    expect(inFlight.json().detail).toMatch(/in flight \(unknown, entry \d+\)/);
    await db.updateTable('payment_ledger').set({ status: 'declined', next_attempt_at: null }).where('idempotency_key', '=', `test:${order.orderId}:open`).execute();
  });

  it('retries a selection with a result per order: approved, declined with its code, refused with the reason', async () => {
    const approving = await declinedOrder();
    const { card } = await env.card('approved');
    await get().db.updateTable('orders').set({ payment_json: JSON.stringify({ card: { ...card, brand: 'visa', last4: '1111', expMonth: 12, expYear: 2031 }, reference: null }) })
      .where('order_number', '=', approving.orderId).execute();
    const declining = await declinedOrder();
    const shipped = await place(await env.card('approved'));
    const res = await env.t.as('accounting', {
      method: 'POST', url: '/api/v1/payments/retry', payload: { orderIds: [approving.orderId, declining.orderId, shipped.orderId, 'OD-NOPE'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.results).toEqual([
      expect.objectContaining({ orderId: approving.orderId, result: 'approved', stage: 'shipping_department' }),
      expect.objectContaining({ orderId: declining.orderId, result: 'declined', code: 'insufficient_funds' }),
      expect.objectContaining({ orderId: shipped.orderId, result: 'refused', code: 'transition_refused' }),
      expect.objectContaining({ orderId: 'OD-NOPE', result: 'refused', code: 'not_found' }),
    ]);
    expect(body.counts).toEqual({ approved: 1, declined: 1, refused: 2 });
    const tooMany = await env.t.as('accounting', { method: 'POST', url: '/api/v1/payments/retry', payload: { orderIds: Array.from({ length: 501 }, (_, i) => `OD-${i}`) } });
    expect(tooMany.statusCode).toBe(400);
  });

  it('marks an offline order paid with its reference: an approved offline_payment, and the order moves on', async () => {
    const order = await place({ method: 'check' });
    expect(order.stage).toBe('accounts_receivable');
    const noRef = await env.t.as('accounting', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/mark-paid`, payload: {} });
    expect(noRef.statusCode).toBe(400);
    const tooMuch = await env.t.as('accounting', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/mark-paid`, payload: { reference: 'CHK 1001', amount: order.summary.total + 1 } });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json()).toMatchObject({ field: '/amount' });
    const res = await env.t.as('accounting', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/mark-paid`, payload: { reference: 'CHK 1001', note: 'posted by mail' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'processed', paid: order.summary.total });
    expect(res.json().entries).toEqual([expect.objectContaining({ kind: 'offline_payment', status: 'approved', gateway: 'offline', gatewayReference: 'CHK 1001', amount: order.summary.total })]);
    expect((await getOrder(order.orderId)).stage).toBe('shipping_department');
    const again = await env.t.as('accounting', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/mark-paid`, payload: { reference: 'CHK 1001' } });
    expect(again.statusCode).toBe(409);
  });

  it('refuses to mark a card order paid (400): cards are charged, not marked', async () => {
    const order = await declinedOrder();
    const res = await env.t.as('accounting', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/mark-paid`, payload: { reference: 'X' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/paid by credit_card/);
  });

  it('reads and changes the schedule with its version, validating days and coupons', async () => {
    const current = (await env.t.as('accounting', { method: 'GET', url: '/api/v1/payments/ar-schedule' })).json();
    expect(current).toMatchObject({ enabled: true, rejectAtEnd: true, version: 0 });
    expect(current.days.map((d: { day: number }) => d.day)).toEqual([1, 3, 5, 7]);
    const put = (payload: object, role: 'admin' | 'accounting' = 'admin') => env.t.as(role, { method: 'PUT', url: '/api/v1/payments/ar-schedule', payload });
    const base = { enabled: true, rejectAtEnd: false, version: 0 };
    expect((await put({ ...base, days: [{ day: 2, action: 'charge' }] }, 'accounting')).statusCode).toBe(403);
    const dup = await put({ ...base, days: [{ day: 2, action: 'charge' }, { day: 2, action: 'reject' }] });
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toMatchObject({ field: '/days/1/day' });
    expect((await put({ ...base, days: [{ day: 8, action: 'charge' }] })).statusCode).toBe(400);
    expect((await put({ ...base, days: [{ day: 2, action: 'charge', couponAmount: 100, couponPercent: 5 }] })).json()).toMatchObject({ field: '/days/0' });
    expect((await put({ ...base, days: [{ day: 2, action: 'charge', couponAmount: 100 }] })).json()).toMatchObject({ status: 400, field: '/days/0/couponCurrency' });
    expect((await put({ ...base, days: [{ day: 2, action: 'charge', couponAmount: 100, couponCurrency: 'XYZ' }] })).json()).toMatchObject({ status: 400, field: '/days/0/couponCurrency' });
    expect((await put({ ...base, days: [{ day: 2, action: 'charge', couponPercent: 5, couponCurrency: 'USD' }] })).json()).toMatchObject({ status: 400, field: '/days/0/couponCurrency' });
    const ok = await put({ ...base, days: [{ day: 4, action: 'reject' }, { day: 2, action: 'charge', couponAmount: 100, couponCurrency: 'USD' }] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ enabled: true, rejectAtEnd: false, version: 1, days: [{ day: 2, action: 'charge', couponAmount: 100, couponCurrency: 'USD' }, { day: 4, action: 'reject' }] });
    expect((await put({ ...base, days: [] })).statusCode).toBe(409); // stale version
    const audit = await env.t.db.selectFrom('outbox').select('payload_json').where('topic', '=', 'settings.changed').where('aggregate_id', '=', 'ar_schedule').execute();
    expect(audit.map((e) => JSON.parse(e.payload_json))).toEqual([expect.objectContaining({
      actor: expect.stringContaining('test admin'), version: 1, before: expect.objectContaining({ rejectAtEnd: true }), after: expect.objectContaining({ rejectAtEnd: false }),
    })]);
    const restored = await put({ ...current, version: 1 });
    expect(restored.statusCode, restored.body).toBe(200);
  });

  it('answers the statistics per UTC day, newest first', async () => {
    const res = await env.t.as('accounting', { method: 'GET', url: '/api/v1/payments/ar-stats?days=3' });
    expect(res.statusCode, res.body).toBe(200);
    const days = res.json().days;
    expect(days).toHaveLength(3);
    expect(days[0].day).toBe(new Date().toISOString().slice(0, 10));
    // The manual retries above: attempted and approved today, recovered in USD.
    expect(days[0].attempted).toBeGreaterThanOrEqual(4);
    expect(days[0].approved).toBeGreaterThanOrEqual(2);
    expect(days[0].recovered).toEqual([{ currency: 'USD', amount: expect.any(Number) }]);
    expect((await env.t.as('accounting', { method: 'GET', url: '/api/v1/payments/ar-stats?days=0' })).statusCode).toBe(400);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../../test-support/payments.js';

/** orderInput: 2 × 19.99 + 4.00 tax + 5.00 shipping = 48.98, authorized whole at intake. */
const TOTAL = 4898;

describeEachDatabase('capturing an authorization', (get) => {
  let env: PaymentTestEnv;
  let settingsVersion = 0;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
    const settings = (await env.t.as('admin', { method: 'GET', url: '/api/v1/payments/settings' })).json();
    const put = await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'authorize', version: settings.version } });
    expect(put.statusCode, put.body).toBe(200);
    settingsVersion = put.json().version;
  });
  afterAll(async () => {
    await env.t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'sale', version: settingsVersion } });
    await env.close();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => env.t.as('admin', { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const authorized = async () => {
    const res = await api('POST', '/orders', orderInput({ payment: (await env.card()) as never }));
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({ stage: 'shipping_department', summary: { total: TOTAL }, payment: { status: 'authorized', authorized: TOTAL } });
    return order;
  };
  const captures = (orderId: string) => env.sandbox.log().filter((e) => e.operation === 'capture' && e.idempotencyKey?.startsWith(`capture:${orderId}:`));
  const capture = (orderId: string, payload: object = {}) => api('POST', `/orders/${orderId}/payments/capture`, payload);
  const setShipping = async (order: { orderId: string; version: number }, shippingCost: number) => {
    const res = await api('PATCH', `/orders/${order.orderId}`, { shippingCost, version: order.version });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('refuses a capture of less than the order owes, which would release the rest of the hold; nothing reaches the gateway', async () => {
    const order = await authorized();
    const partial = await capture(order.orderId, { amount: 2000 });
    expect(partial.statusCode).toBe(400);
    expect(partial.json()).toMatchObject({ field: '/amount', detail: expect.stringMatching(/^capture \$48\.98: .*\$28\.98 would stay owed.*lower the order's total first/) });
    const over = await capture(order.orderId, { amount: TOTAL + 1 });
    expect(over.json()).toMatchObject({ field: '/amount', detail: 'at most $48.98 is authorized' });
    expect((await capture(order.orderId, { amount: 'all' })).statusCode).toBe(400);
    expect(captures(order.orderId)).toEqual([]);
    expect((await api('GET', `/orders/${order.orderId}/payments`)).json()).toMatchObject({ status: 'authorized', authorized: TOTAL, paid: 0, entries: [{ kind: 'authorize' }] });
  });

  it('after the total is lowered, captures what is owed (the default) and no more; the rest of the hold is released', async () => {
    const order = await setShipping(await authorized(), 0);
    expect(order.summary.total).toBe(TOTAL - 500);
    const over = await capture(order.orderId, { amount: TOTAL });
    expect(over.statusCode).toBe(400);
    expect(over.json()).toMatchObject({ field: '/amount', detail: expect.stringMatching(/^only \$43\.98 is owed/) });
    const res = await capture(order.orderId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'processed', paid: TOTAL - 500, authorized: 0 });
    expect(captures(order.orderId)).toEqual([expect.objectContaining({ result: 'approved', amount: TOTAL - 500 })]);
    expect((await api('GET', `/orders/${order.orderId}`)).json().stage).toBe('shipping_department');
  });

  it('an authorization smaller than what is owed is captured whole, and the order goes to A/R, where a retry collects the rest once', async () => {
    const order = await setShipping(await authorized(), 1500);
    expect(order.summary.total).toBe(TOTAL + 1000);
    const res = await capture(order.orderId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'unprocessed', paid: TOTAL, authorized: 0 });
    const owed = (await api('GET', `/orders/${order.orderId}`)).json();
    expect(owed.stage).toBe('accounts_receivable');
    expect(owed.history.at(-1)).toMatchObject({ kind: 'stage', from: 'shipping_department', to: 'accounts_receivable', reason: expect.stringMatching(/^\$10\.00 of the \$58\.98 total is still owed/) });

    const retry = await api('POST', `/orders/${order.orderId}/payments/retry`, {});
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({ result: 'approved', stage: 'shipping_department', paymentStatus: 'processed' });
    const sales = env.sandbox.log().filter((e) => e.operation === 'sale' && e.idempotencyKey?.startsWith(`ar:${order.orderId}:`));
    expect(sales).toEqual([expect.objectContaining({ result: 'approved', amount: 1000 })]);
    expect((await api('GET', `/orders/${order.orderId}/payments`)).json()).toMatchObject({ status: 'processed', paid: TOTAL + 1000, refundable: TOTAL + 1000 });
    expect((await api('POST', `/orders/${order.orderId}/payments/retry`, {})).statusCode).toBe(409);
  });

  it('a retried capture with its Idempotency-Key gets the first answer, not a refusal, and captures once', async () => {
    const order = await authorized();
    const send = (payload: object) => env.t.as('admin', { method: 'POST', url: `/api/v1/orders/${order.orderId}/payments/capture`, payload, headers: { 'idempotency-key': `capture-${order.orderId}` } });
    const first = await send({});
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'processed', paid: TOTAL });
    const again = await send({});
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect((await send({ amount: TOTAL })).json()).toMatchObject({ status: 422, field: 'Idempotency-Key' });
    expect(captures(order.orderId)).toEqual([expect.objectContaining({ result: 'approved', amount: TOTAL })]);
  });
});


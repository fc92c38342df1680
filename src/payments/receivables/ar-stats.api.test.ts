import { afterAll, beforeAll, expect, it } from 'vitest';
import { sqliteHandleOf } from '../../db/database.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, sandboxCard, startPaymentTestEnv } from '../../test-support/payments.js';
import { DAY_MS } from './ar-schedule.js';
import { arCollectionsQuery } from './receivables.repository.js';

/**
 * Recovered revenue counts every payment collected while the order waited in Accounts Receivable — retries,
 * payment-request links, mark paid — once each, per currency. The database is this file's own, so today's
 * figures are exactly what these tests collected.
 */
describeEachDatabase('recovered revenue', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  let ip = 0;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => env.t.as('admin', { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const place = async (payment: object, currency = 'USD') => {
    const input = orderInput({ payment: payment as never, currency } as never);
    input.customer = { ...input.customer, ip: `198.51.100.${++ip}` };
    const res = await api('POST', '/orders', input);
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json<{ orderId: string; stage: string; summary: { total: number } }>();
    expect(order.stage).toBe('accounts_receivable');
    return order;
  };
  const today = async () => {
    const res = await env.t.as('accounting', { method: 'GET', url: '/api/v1/payments/ar-stats?days=2' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().days[0] as { attempted: number; approved: number; recovered: { currency: string; amount: number }[] };
  };
  const payThroughLink = async (orderId: string, behaviour = 'approved') => {
    const link = await api('POST', `/orders/${orderId}/payment-requests`, {});
    expect(link.statusCode, link.body).toBe(201);
    const token = link.json().url.split('/pay/')[1];
    const paid = await env.t.app.inject({
      method: 'POST', url: `/api/v1/pay/${token}`, payload: { number: sandboxCard(behaviour), expMonth: 12, expYear: 2031, cvc: '123', holderName: 'Ada Lovelace' },
    });
    expect(paid.statusCode, paid.body).toBe(200);
    return paid.json();
  };

  it('counts retries, payment-request links and mark paid, each payment once, per currency', async () => {
    expect(await today()).toMatchObject({ attempted: 0, approved: 0, recovered: [] });
    let usd = 0;

    // A retry: declined, then approved on a new card.
    const declined = await place(await env.card('declined: insufficient funds'));
    expect((await api('POST', `/orders/${declined.orderId}/payments/retry`, {})).json()).toMatchObject({ result: 'declined' });
    const { card } = await env.card('approved');
    expect((await api('POST', `/orders/${declined.orderId}/payments/retry`, { cardToken: card.token })).json()).toMatchObject({ result: 'approved' });
    usd += declined.summary.total;
    expect(await today()).toMatchObject({ attempted: 2, approved: 1, recovered: [{ currency: 'USD', amount: usd }] });

    // A payment-request link: a declined card, then a good one.
    const linked = await place({ method: 'credit_card' });
    expect(await payThroughLink(linked.orderId, 'declined: insufficient funds')).toMatchObject({ status: 'declined' });
    expect(await payThroughLink(linked.orderId)).toMatchObject({ status: 'paid' });
    usd += linked.summary.total;
    expect(await today()).toMatchObject({ attempted: 2, approved: 1, recovered: [{ currency: 'USD', amount: usd }] });

    // Mark paid, in two parts, in another currency.
    const wire = await place({ method: 'wire' }, 'EUR');
    for (const amount of [1000, wire.summary.total - 1000]) {
      const res = await api('POST', `/orders/${wire.orderId}/payments/mark-paid`, { reference: `WIRE-${amount}`, amount });
      expect(res.statusCode, res.body).toBe(200);
    }
    const figures = await today();
    expect(figures).toMatchObject({ attempted: 2, approved: 1 });
    expect(figures.recovered).toEqual(expect.arrayContaining([{ currency: 'USD', amount: usd }, { currency: 'EUR', amount: wire.summary.total }]));
    expect(figures.recovered).toHaveLength(2);
  });

  it('counts a link paid by authorization once it is captured, and only then', async () => {
    const settings = (await api('GET', '/payments/settings')).json();
    const put = await api('PUT', '/payments/settings', { cardMode: 'authorize', version: settings.version });
    expect(put.statusCode, put.body).toBe(200);
    try {
      const before = (await today()).recovered.find((r) => r.currency === 'USD')!.amount;
      const order = await place({ method: 'credit_card' });
      expect(await payThroughLink(order.orderId)).toMatchObject({ status: 'paid' });
      expect((await api('GET', `/orders/${order.orderId}`)).json()).toMatchObject({ stage: 'shipping_department', payment: { status: 'authorized' } });
      expect((await today()).recovered).toContainEqual({ currency: 'USD', amount: before });
      const captured = await api('POST', `/orders/${order.orderId}/payments/capture`, {});
      expect(captured.statusCode, captured.body).toBe(200);
      expect((await today()).recovered).toContainEqual({ currency: 'USD', amount: before + order.summary.total });
    } finally {
      const now = (await api('GET', '/payments/settings')).json();
      await api('PUT', '/payments/settings', { cardMode: 'sale', version: now.version });
    }
  });

  it('reads only the window, through the partial index of A/R collections', async () => {
    const handle = sqliteHandleOf(get().db);
    if (!handle) return; // PostgreSQL plans small tables with a scan; the index is the same
    const { sql, parameters } = arCollectionsQuery(0, DAY_MS).compile(get().db);
    const plan = handle.prepare(`explain query plan ${sql}`).all(...(parameters as unknown[])) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/payment_ledger_ar_collections_idx/);
  });
});

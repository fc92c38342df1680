import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv } from '../test-support/payments.js';

type Reason = { rule: string; points: number; detail: string };

describeEachDatabase('the gateway\'s AVS/CVV answers in the order\'s fraud score', (get) => {
  let env: PaymentTestEnv;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
  });
  afterAll(() => env.close());

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => env.t.as('admin', { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const place = async (overrides: object) => {
    const res = await api('POST', '/orders', orderInput(overrides));
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const scoreOf = (reasons: Reason[]) => reasons.reduce((sum, r) => sum + r.points, 0);

  it('below the threshold, the points are stored with the score and reasons, and the order is not held', async () => {
    const order = await place({ payment: await env.card('approved with AVS mismatch (avs N)') });
    expect(order).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed' }, fraud: { hold: false } });
    expect(order.fraud.reasons).toContainEqual({ rule: 'avs_mismatch', points: 20, detail: expect.stringMatching(/^AVS N/) });
    expect(order.fraud.score).toBe(scoreOf(order.fraud.reasons));
    expect(order.fraud.score).toBeLessThan(50);
    expect((await api('GET', `/orders/${order.orderId}`)).json().fraud).toEqual(order.fraud);
  });

  it('clean answers add nothing, and a trusted customer stays exempt', async () => {
    const clean = await place({ payment: await env.card() });
    expect(clean.fraud).toEqual({ score: 0, reasons: [], hold: false });
    const input = orderInput();
    const before = (await api('GET', '/fraud/settings')).json();
    const { updatedAt: _u, updatedBy: _b, ...editable } = before;
    const put = await api('PUT', '/fraud/settings', { ...editable, exemptions: { trustedEmails: [input.customer.email], exemptIps: [] } });
    expect(put.statusCode, put.body).toBe(200);
    try {
      const trusted = await place({ ...input, payment: await env.card('approved with AVS mismatch (avs N)') });
      // The AVS mismatch scores nothing; the reasons keep only why: the exemption.
      expect(trusted).toMatchObject({ stage: 'shipping_department', fraud: { score: 0, hold: false } });
      expect(trusted.fraud.reasons).toEqual([{ rule: 'exempt', points: 0, detail: `trusted customer: ${input.customer.email}; no rule ran, block lists not checked` }]);
    } finally {
      await api('PUT', '/fraud/settings', { ...editable, version: put.json().version });
    }
  });
});

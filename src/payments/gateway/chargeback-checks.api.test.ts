import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp, testConfig } from '../../test-support/app.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { uniqueApprovedCard } from '../../test-support/payments.js';
import { formatMoney } from '../../shared/money.js';
import { openVaultKeyring } from '../../vault/open-keyring.js';
import { createPaymentServices } from '../payment-services.js';
import { startSandboxGateway, type SandboxGateway } from '../sandbox/sandbox-server.js';
import { SANDBOX_NOTIFICATION_PATH } from './gateway-setup.js';
import { createHttpGateway } from './http-gateway.js';
import { signNotification } from './signature.js';

const SECRET = 'chargeback-checks-secret';

/** A signed chargeback must fit the charge it names before it is written to the ledger. */
describeEachDatabase('chargeback notifications checked against their charge', (get) => {
  let t: TestApp;
  let sandbox: SandboxGateway;
  beforeAll(async () => {
    const payments = createPaymentServices(openVaultKeyring(testConfig({ gatewaySecret: SECRET })));
    t = await buildTestApp(get().db, { gatewaySecret: SECRET }, { payments });
    // No webhook: these tests deliver (and sign) each notification themselves.
    sandbox = await startSandboxGateway({ port: 0, host: '127.0.0.1', secret: SECRET, settleDelayMs: 20 });
    payments.useGateway(createHttpGateway({ baseUrl: sandbox.url, secret: SECRET, name: 'sandbox', timeoutMs: 2_000, backoffMs: 10 }));
  });
  afterAll(async () => {
    await sandbox.close();
    await t.close();
  });

  let placed = 0;
  const place = async (status = 'processed') => {
    const card = await t.as('admin', { method: 'POST', url: '/api/v1/vault/cards', payload: { number: uniqueApprovedCard(), expMonth: 12, expYear: 2031, holderName: 'Ada Lovelace' } });
    expect(card.statusCode, card.body).toBe(201);
    placed += 1;
    const customer = { email: `disputes-${placed}-${Math.random().toString(36).slice(2, 8)}@example.com`, ip: `203.0.113.${placed + 10}` };
    const payment = { method: 'credit_card', card: { token: card.json().token } };
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ customer, payment: payment as never }) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().payment.status).toBe(status);
    const orderId = res.json().orderId as string;
    return { orderId, total: res.json().summary.total as number, reference: (await ledger(orderId)).entries[0].gatewayReference as string };
  };
  const ledger = async (orderId: string) => (await t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}/payments` })).json();
  const notify = async (fields: { transaction: string; amount: number; currency: string }) => {
    const id = `evt_${randomUUID()}`;
    const body = JSON.stringify({ id, type: 'chargeback', reason: '10.4 fraud', occurredAt: new Date().toISOString(), ...fields });
    const res = await t.app.inject({
      method: 'POST', url: SANDBOX_NOTIFICATION_PATH, payload: body, headers: { 'content-type': 'application/json', 'sandbox-signature': signNotification(SECRET, body) },
    });
    expect(res.statusCode, res.body).toBe(200);
    const event = await get().db.selectFrom('gateway_events').select(['status', 'outcome']).where('event_id', '=', id).executeTakeFirstOrThrow();
    return { res, event };
  };
  const chargebacks = async (orderId: string) => (await ledger(orderId)).entries.filter((e: { kind: string }) => e.kind === 'chargeback');

  it('refuses one in another currency: no ledger row, the event refused with its reason, the order blocked and told why', async () => {
    const { orderId, reference } = await place();
    const { res, event } = await notify({ transaction: reference, amount: 5000, currency: 'EUR' });
    // The gateway is answered as for any notification it need not send again.
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: true, duplicate: false });
    expect(event.status).toBe('refused');
    expect(event.outcome).toMatch(/charge is in USD, the chargeback in EUR/);
    expect(await chargebacks(orderId)).toEqual([]);
    expect(await ledger(orderId)).toMatchObject({ status: 'processed', refunded: 0, refundBlocked: true });
    const order = (await t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();
    expect(order.history.some((h: { reason: string | null }) => /chargeback notification .* refused: the charge is in USD/.test(h.reason ?? ''))).toBe(true);
  });

  it('refuses one beyond what the charge still holds, counting earlier chargebacks', async () => {
    const { orderId, total, reference } = await place();
    expect((await notify({ transaction: reference, amount: total + 1, currency: 'USD' })).event.status).toBe('refused');
    expect((await notify({ transaction: reference, amount: 500, currency: 'USD' })).event.status).toBe('applied');
    const over = await notify({ transaction: reference, amount: total - 499, currency: 'USD' });
    expect(over.event).toMatchObject({ status: 'refused' });
    expect(over.event.outcome).toContain(`holds only ${formatMoney(total - 500, 'USD')}`);
    expect((await notify({ transaction: reference, amount: total - 500, currency: 'USD' })).event.status).toBe('applied');
    expect((await chargebacks(orderId)).map((e: { amount: number }) => e.amount)).toEqual([500, total - 500]);
    expect(await ledger(orderId)).toMatchObject({ status: 'refunded', refunded: total, refundable: 0 });
  });

  it('one naming an authorization is taken from its capture', async () => {
    const settings = (await t.as('admin', { method: 'GET', url: '/api/v1/payments/settings' })).json();
    const put = await t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'authorize', version: settings.version } });
    expect(put.statusCode, put.body).toBe(200);
    try {
      const { orderId, total, reference } = await place('authorized');
      const captured = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${orderId}/payments/capture`, payload: {} });
      expect(captured.json(), captured.body).toMatchObject({ status: 'processed', paid: total });
      const capture = captured.json().entries.find((e: { kind: string }) => e.kind === 'capture');
      expect((await notify({ transaction: reference, amount: total + 1, currency: 'USD' })).event.status).toBe('refused');
      expect((await notify({ transaction: reference, amount: total, currency: 'USD' })).event.status).toBe('applied');
      expect((await chargebacks(orderId)).map((e: { parentId: number; amount: number }) => [e.parentId, e.amount])).toEqual([[capture.id, total]]);
      expect(await ledger(orderId)).toMatchObject({ status: 'refunded', refunded: total, refundable: 0 });
    } finally {
      await t.as('admin', { method: 'PUT', url: '/api/v1/payments/settings', payload: { cardMode: 'sale', version: put.json().version } });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { orderInput } from '../../test-support/factories.js';
import { type PaymentTestEnv, startPaymentTestEnv, waitFor } from '../../test-support/payments.js';
import { SANDBOX_TEST_ACCOUNTS } from '../sandbox/test-cards.js';

/** Notifications applied to real orders: arriving out of order, and from a configured (not in-process) gateway. */
const echeck = (accountNumber: string) => ({
  method: 'e_check', echeck: { routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber, accountType: 'checking' },
});

function helpers(env: () => PaymentTestEnv) {
  return {
    place: async (payment: object) => {
      const res = await env().t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: payment as never }) });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    },
    order: async (orderId: string) => (await env().t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json(),
    ledger: async (orderId: string) => (await env().t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}/payments` })).json(),
  };
}

describeEachDatabase('gateway notifications on orders', (get) => {
  describe('delivered newest first', () => {
    let env: PaymentTestEnv;
    // The e-check settles after 20 ms; the notifier holds what it sends for 2 s and then delivers newest first.
    beforeAll(async () => {
      env = await startPaymentTestEnv(get().db, { sandbox: { settleDelayMs: 20, notificationHoldMs: 2_000 } });
    });
    afterAll(() => env.close());
    const { place, order, ledger } = helpers(() => env);

    it('a chargeback that overtakes the clearing settles the pending payment, and the late clearing changes nothing', async () => {
      env.sandbox.setFaults({ outOfOrderNotifications: true });
      try {
        const placed = await place(echeck('000123456781'));
        expect(placed.stage).toBe('pending_clearance');
        const reference = (await ledger(placed.orderId)).entries[0].gatewayReference as string;
        await new Promise((r) => setTimeout(r, 100)); // the sandbox has cleared it by now; the notification is held
        env.sandbox.chargeback(reference, { reason: '10.4 fraud, card absent' });
        await env.sandbox.notificationsIdle();

        // Ignored because the chargeback, delivered first, had already settled the payment.
        const events = await get().db.selectFrom('gateway_events').select(['type', 'status', 'outcome']).where('reference', '=', reference).orderBy('type').execute();
        expect(events.map((e) => [e.type, e.status])).toEqual([['chargeback', 'applied'], ['cleared', 'ignored']]);
        expect(events[1]!.outcome).toMatch(/already approved/);
        const payments = await ledger(placed.orderId);
        expect(payments.entries.map((e: { kind: string; status: string }) => [e.kind, e.status])).toEqual([['sale', 'approved'], ['chargeback', 'approved']]);
        expect(payments).toMatchObject({ refundBlocked: true, refundable: 0 });
        const after = await order(placed.orderId);
        expect(after.stage).not.toBe('pending_clearance');
        // One history line for the chargeback; none for the clearing that came too late.
        expect(after.history.filter((h: { kind: string; reason: string }) => h.kind === 'payment' && /cleared/.test(h.reason))).toHaveLength(0);
        expect(after.history.filter((h: { kind: string; reason: string }) => h.kind === 'payment' && /chargeback/.test(h.reason))).toHaveLength(1);
      } finally {
        env.sandbox.setFaults({});
      }
    });
  });

  describe('through a configured gateway (ORDERDECK_GATEWAY_URL), not the in-process sandbox', () => {
    let env: PaymentTestEnv;
    // Payments through a configured gateway are recorded under its name, `http`; its notifications must find them.
    beforeAll(async () => {
      env = await startPaymentTestEnv(get().db, { gateway: { name: 'http' } });
    });
    afterAll(() => env.close());
    const { place, order, ledger } = helpers(() => env);

    it('clears an e-check and records a chargeback on the order', async () => {
      const placed = await place(echeck('000123456782'));
      expect(placed.stage).toBe('pending_clearance');
      await waitFor(async () => (await order(placed.orderId)).stage === 'shipping_department');
      const reference = (await ledger(placed.orderId)).entries[0].gatewayReference as string;
      env.sandbox.chargeback(reference, { reason: '13.1 merchandise not received' });
      await waitFor(async () => (await ledger(placed.orderId)).refundBlocked);
      const events = await get().db.selectFrom('gateway_events').select(['gateway', 'type', 'status']).where('reference', '=', reference).orderBy('type').execute();
      expect(events).toEqual([{ gateway: 'http', type: 'chargeback', status: 'applied' }, { gateway: 'http', type: 'cleared', status: 'applied' }]);
    });
  });
});

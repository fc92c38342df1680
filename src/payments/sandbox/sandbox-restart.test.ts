import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { buildTestApp } from '../../test-support/app.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { SANDBOX_NOTIFICATION_PATH } from '../gateway/gateway-setup.js';
import { createHttpGateway } from '../gateway/http-gateway.js';
import { startSandboxGateway } from './sandbox-server.js';
import { SANDBOX_TEST_ACCOUNTS } from './test-cards.js';

const SECRET = 'restart-test-secret';

describeEachDatabase('a separately running sandbox across an Orderdeck restart', (database) => {
  it('keeps its transactions and delivers the notifications Orderdeck missed while it was down', async () => {
    const first = await buildTestApp(database().db, { gatewaySecret: SECRET });
    await first.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (first.app.server.address() as AddressInfo).port;
    const sandbox = await startSandboxGateway({
      port: 0, secret: SECRET, webhookUrl: `http://127.0.0.1:${port}${SANDBOX_NOTIFICATION_PATH}`, settleDelayMs: 100, notificationRetryMs: 50,
    });
    try {
      const gateway = createHttpGateway({ baseUrl: sandbox.url, secret: SECRET });
      const auth = await gateway.authorize({
        idempotencyKey: randomUUID(), amount: 900, currency: 'USD', reference: 'order-9',
        source: { type: 'card', number: '4111111111111111', expMonth: 4, expYear: 2033, cvc: '999' },
      });
      const echeck = await gateway.sale({
        idempotencyKey: randomUUID(), amount: 700, currency: 'USD', reference: 'order-10',
        source: { type: 'echeck', routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber: SANDBOX_TEST_ACCOUNTS.settles, accountType: 'savings' },
      });
      if (auth.kind !== 'approved' || echeck.kind !== 'pending') throw new Error('setup');

      await first.close(); // Orderdeck goes down before the e-check settles
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(sandbox.transaction(echeck.reference)?.status).toBe('settled');

      const second = await buildTestApp(database().db, { gatewaySecret: SECRET });
      await second.app.listen({ port, host: '127.0.0.1' });
      try {
        await sandbox.notificationsIdle();
        const rows = await database().db.selectFrom('gateway_events').selectAll().where('reference', '=', echeck.reference).execute();
        expect(rows.map((r) => r.type)).toEqual(['cleared']);
        // The authorisation made before the restart is still there to capture.
        expect(await gateway.capture({ idempotencyKey: randomUUID(), amount: 900, currency: 'USD', reference: 'order-9', transaction: auth.reference }))
          .toEqual({ kind: 'approved', reference: auth.reference });
      } finally {
        await second.close();
      }
    } finally {
      await sandbox.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startNotificationReceiver } from '../../test-support/notification-receiver.js';
import { createHttpGateway } from '../gateway/http-gateway.js';
import { verifyNotificationSignature } from '../gateway/signature.js';
import { startSandboxGateway, type SandboxGatewayOptions } from './sandbox-server.js';
import { SANDBOX_TEST_ACCOUNTS } from './test-cards.js';

const SECRET = 'notification-secret';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setUp(options: Partial<SandboxGatewayOptions> = {}, answer?: () => number) {
  const receiver = await startNotificationReceiver(answer);
  const sandbox = await startSandboxGateway({ port: 0, secret: SECRET, webhookUrl: receiver.url, settleDelayMs: 30, notificationRetryMs: 20, ...options });
  cleanups.push(() => receiver.close(), () => sandbox.close());
  const gateway = createHttpGateway({ baseUrl: sandbox.url, secret: SECRET });
  const echeck = async (accountNumber: string, amount = 1500) => {
    const outcome = await gateway.sale({
      idempotencyKey: randomUUID(), amount, currency: 'USD', reference: 'order-7',
      source: { type: 'echeck', routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber, accountType: 'checking' },
    });
    if (outcome.kind !== 'pending') throw new Error(`expected pending, got ${outcome.kind}`);
    return outcome.reference;
  };
  return { receiver, sandbox, gateway, echeck };
}

describe('sandbox notifications', () => {
  it('settles an e-check later with a signed `cleared` notification', async () => {
    const { receiver, sandbox, echeck } = await setUp();
    const tx = await echeck(SANDBOX_TEST_ACCOUNTS.settles);
    await receiver.waitFor(1);
    const [n] = receiver.received;
    expect(verifyNotificationSignature(n!.signature, n!.body, SECRET)).toMatchObject({ ok: true });
    expect(verifyNotificationSignature(n!.signature, n!.body, 'another secret').ok).toBe(false);
    expect(n!.json).toMatchObject({ type: 'cleared', transaction: tx, amount: 1500, currency: 'USD' });
    expect(n!.json.id).toMatch(/^evt_[a-z]{20}$/);
    expect(sandbox.transaction(tx)?.status).toBe('settled');
  });

  it('bounces an e-check by account number with a `failed` notification and its return reason', async () => {
    const { receiver, sandbox, echeck } = await setUp();
    const insufficient = await echeck(SANDBOX_TEST_ACCOUNTS.bouncesInsufficientFunds);
    const closed = await echeck(SANDBOX_TEST_ACCOUNTS.bouncesAccountClosed);
    await receiver.waitFor(2);
    const byTx = new Map(receiver.received.map((n) => [n.json.transaction, n.json]));
    expect(byTx.get(insufficient)).toMatchObject({ type: 'failed', reason: 'R01 insufficient funds' });
    expect(byTx.get(closed)).toMatchObject({ type: 'failed', reason: 'R02 account closed' });
    expect(sandbox.transaction(insufficient)?.status).toBe('returned');
  });

  it('sends nothing for an e-check voided before it settles', async () => {
    const { receiver, sandbox, gateway, echeck } = await setUp({ settleDelayMs: 150 });
    const tx = await echeck(SANDBOX_TEST_ACCOUNTS.settles);
    expect(await gateway.void({ idempotencyKey: randomUUID(), reference: 'order-7', transaction: tx })).toMatchObject({ kind: 'approved' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sandbox.notificationsIdle();
    expect(receiver.received).toHaveLength(0);
  });

  it('sends a chargeback from the admin endpoint, within what was captured', async () => {
    const { receiver, sandbox, gateway } = await setUp();
    const sale = await gateway.sale({
      idempotencyKey: randomUUID(), amount: 4200, currency: 'EUR', reference: 'order-8',
      source: { type: 'card', number: '4111111111111111', expMonth: 1, expYear: 2035 },
    });
    if (sale.kind !== 'approved') throw new Error('sale');
    const admin = (body: object) => fetch(`${sandbox.url}/sandbox/transactions/${sale.reference}/chargeback`, {
      method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect((await admin({ amount: 5000 })).status).toBe(422);
    expect((await admin({ amount: 4200, reason: '13.1 merchandise not received' })).status).toBe(200);
    await receiver.waitFor(1);
    expect(receiver.received[0]!.json).toMatchObject({ type: 'chargeback', transaction: sale.reference, amount: 4200, currency: 'EUR', reason: '13.1 merchandise not received' });
    expect((await admin({})).status).toBe(422); // nothing left to dispute
  });

  it('delivers every notification twice when duplicates are injected, with the same event id', async () => {
    const { receiver, echeck } = await setUp({ faults: { duplicateNotifications: true } });
    await echeck(SANDBOX_TEST_ACCOUNTS.settles);
    await receiver.waitFor(2);
    expect(receiver.received[0]!.json.id).toBe(receiver.received[1]!.json.id);
  });

  it('delivers held notifications newest first when out-of-order delivery is injected', async () => {
    const { receiver, sandbox, echeck } = await setUp({ faults: { outOfOrderNotifications: true }, notificationHoldMs: 150, settleDelayMs: 10 });
    const first = await echeck(SANDBOX_TEST_ACCOUNTS.settles);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = await echeck(SANDBOX_TEST_ACCOUNTS.bouncesInsufficientFunds);
    await receiver.waitFor(2);
    await sandbox.notificationsIdle();
    expect(receiver.received.map((n) => n.json.transaction)).toEqual([second, first]);
    expect(Date.parse(String(receiver.received[0]!.json.occurredAt))).toBeGreaterThanOrEqual(Date.parse(String(receiver.received[1]!.json.occurredAt)));
  });

  it('retries delivery until the receiver accepts it', async () => {
    let calls = 0;
    const { receiver, echeck } = await setUp({}, () => (++calls <= 2 ? 503 : 200));
    await echeck(SANDBOX_TEST_ACCOUNTS.settles);
    await receiver.waitFor(1);
    expect(calls).toBe(3);
  });
});

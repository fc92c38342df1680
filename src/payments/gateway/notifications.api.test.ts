import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { startSandboxGateway, type SandboxGateway } from '../sandbox/sandbox-server.js';
import { SANDBOX_TEST_ACCOUNTS } from '../sandbox/test-cards.js';
import { SANDBOX_NOTIFICATION_PATH } from './gateway-setup.js';
import { createHttpGateway } from './http-gateway.js';
import { recordGatewayEvent } from './notifications.js';
import { signNotification } from './signature.js';

const SECRET = 'route-test-secret';

describeEachDatabase('gateway notifications route', (database) => {
  let t: TestApp;
  let sandbox: SandboxGateway;
  const events = () => database().db.selectFrom('gateway_events').selectAll().orderBy('occurred_at').execute();
  const post = (body: string, signature: string | undefined) => t.app.inject({
    method: 'POST', url: SANDBOX_NOTIFICATION_PATH, payload: body,
    headers: { 'content-type': 'application/json', ...(signature ? { 'sandbox-signature': signature } : {}) },
  });
  const payload = (over: Record<string, unknown> = {}) => JSON.stringify({
    id: `evt_${randomUUID()}`, type: 'cleared', transaction: 'txn_abcdefghijklmnopqrst', amount: 1000, currency: 'USD', occurredAt: new Date().toISOString(), ...over,
  });

  beforeAll(async () => {
    t = await buildTestApp(database().db, { gatewaySecret: SECRET });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    sandbox = await startSandboxGateway({
      port: 0, secret: SECRET, webhookUrl: `http://127.0.0.1:${port}${SANDBOX_NOTIFICATION_PATH}`, settleDelayMs: 10, notificationHoldMs: 100,
      faults: { duplicateNotifications: true, outOfOrderNotifications: true },
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await t.close();
  });

  it('records duplicated, reordered sandbox notifications once each, with their own times', async () => {
    const gateway = createHttpGateway({ baseUrl: sandbox.url, secret: SECRET });
    const sale = await gateway.sale({
      idempotencyKey: randomUUID(), amount: 1500, currency: 'USD', reference: 'order-1',
      source: { type: 'echeck', routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber: SANDBOX_TEST_ACCOUNTS.settles, accountType: 'checking' },
    });
    if (sale.kind !== 'pending') throw new Error(sale.kind);
    await new Promise((resolve) => setTimeout(resolve, 40)); // settled, held for reordering
    expect(sandbox.chargeback(sale.reference, { amount: 500 }).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await sandbox.notificationsIdle();

    const rows = await events();
    // Made straight against the sandbox, so no order of ours has this transaction: recorded, and ignored.
    expect(rows.map((r) => [r.type, Number(r.amount), r.status])).toEqual([['cleared', 1500, 'ignored'], ['chargeback', 500, 'ignored']]);
    expect(rows.every((r) => r.reference === sale.reference && r.gateway === 'sandbox')).toBe(true);
    expect(Number(rows[1]!.received_at)).toBeLessThanOrEqual(Number(rows[0]!.received_at)); // the chargeback arrived first
    expect(JSON.parse(rows[1]!.payload_json)).toMatchObject({ type: 'chargeback', transaction: sale.reference });
  });

  it('answers a redelivered event 200 as a duplicate and changes nothing', async () => {
    const body = payload({ type: 'failed', reason: 'R01 insufficient funds' });
    const first = await post(body, signNotification(SECRET, body));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    const before = await events();
    const again = await post(body, signNotification(SECRET, body));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    expect(await events()).toEqual(before);
  });

  it('refuses missing, wrong, stale and replayed-with-new-timestamp signatures with 401, storing nothing', async () => {
    const before = (await events()).length;
    const body = payload();
    const stale = signNotification(SECRET, body, Math.floor(Date.now() / 1000) - 3600);
    const moved = signNotification(SECRET, body).replace(/t=\d+/, `t=${Math.floor(Date.now() / 1000) + 1}`);
    for (const signature of [undefined, signNotification('not the secret', body), stale, moved, 'garbage']) {
      const response = await post(body, signature);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'unauthenticated' });
    }
    expect(await post(body.replace('1000', '100000'), signNotification(SECRET, body))).toMatchObject({ statusCode: 401 });
    expect((await events()).length).toBe(before);
  });

  it('records a notification quoting a card number, with the number masked, rather than dropping the event', async () => {
    const reason = 'cardholder disputes charge on 4111 1111 1111 1111';
    const body = payload({ type: 'chargeback', amount: 300, reason });
    const res = await post(body, signNotification(SECRET, body));
    expect(res.statusCode, res.body).toBe(200);
    const stored = (await events()).find((r) => r.event_id === JSON.parse(body).id)!;
    expect(stored).toBeDefined();
    expect(stored.payload_json).not.toMatch(/4111/);
    expect(stored.reason).toBe('cardholder disputes charge on [card number]');
  });

  it('refuses a signed but malformed notification with 400', async () => {
    const body = payload({ type: 'refunded' });
    const response = await post(body, signNotification(SECRET, body));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_failed' });
  });

  it('records one event once when two deliveries race', async () => {
    const event = { eventId: `evt_${randomUUID()}`, type: 'cleared' as const, reference: 'txn_race', amount: 1, currency: 'USD', occurredAt: Date.now() };
    const results = await Promise.all([1, 2, 3].map(() => recordGatewayEvent(database().db, event, { gateway: 'sandbox', payload: '{}' })));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describeEachDatabase('gateway notifications without a secret', (database) => {
  it('are refused with 503 rather than accepted unverified', async () => {
    const t = await buildTestApp(database().db, { gatewaySecret: undefined });
    const response = await t.app.inject({ method: 'POST', url: SANDBOX_NOTIFICATION_PATH, payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(503);
    await t.close();
  });
});

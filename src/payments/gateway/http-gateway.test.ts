import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxGateway, type SandboxGateway } from '../sandbox/sandbox-server.js';
import { SANDBOX_TEST_CARDS } from '../sandbox/test-cards.js';
import type { CardSource, PaymentGateway } from './gateway.js';
import { createHttpGateway, type HttpGatewayOptions } from './http-gateway.js';

const SECRET = 'test-secret-for-the-sandbox';
const card = (number: string, extra: Partial<CardSource> = {}): CardSource => ({ type: 'card', number, expMonth: 12, expYear: 2034, cvc: '123', ...extra });
const key = () => randomUUID();
const money = { amount: 2599, currency: 'USD', reference: 'order-1' };

let sandbox: SandboxGateway;
let gateway: PaymentGateway;
const adapter = (extra: Partial<HttpGatewayOptions> = {}) => createHttpGateway({ baseUrl: sandbox.url, secret: SECRET, backoffMs: 20, ...extra });
const charges = (reference: string) => sandbox.log().filter((e) => e.transaction === reference && (e.operation === 'sale' || e.operation === 'authorize'));

beforeAll(async () => {
  sandbox = await startSandboxGateway({ port: 0, secret: SECRET });
  gateway = adapter();
});
afterAll(() => sandbox.close());

describe('HTTP adapter against the sandbox: test cards', () => {
  for (const test of SANDBOX_TEST_CARDS) {
    it(`${test.number} (${test.behaviour}) through authorize and sale`, async () => {
      for (const call of [gateway.authorize, gateway.sale]) {
        const outcome = await call({ ...money, idempotencyKey: key(), source: card(test.number) });
        if (test.result.status === 'approved') {
          expect(outcome).toMatchObject({ kind: 'approved', avs: test.result.avs, cvv: test.result.cvv });
        } else {
          expect(outcome).toMatchObject({ kind: 'declined', code: test.result.code, avs: test.result.avs, cvv: test.result.cvv });
        }
      }
    });
  }

  it('declines an expired date and a number that fails Luhn whatever the card', async () => {
    expect(await gateway.sale({ ...money, idempotencyKey: key(), source: card('4111111111111111', { expYear: 2020 }) })).toMatchObject({ kind: 'declined', code: 'expired_card' });
    expect(await gateway.sale({ ...money, idempotencyKey: key(), source: card('4111111111111112') })).toMatchObject({ kind: 'declined', code: 'invalid_number' });
  });

  it('refuses a wrong API secret as a declined request, not a charge', async () => {
    const outcome = await adapter({ secret: 'wrong-secret' }).sale({ ...money, idempotencyKey: key(), source: card('4111111111111111') });
    expect(outcome).toMatchObject({ kind: 'declined', code: 'unauthenticated' });
  });
});

describe('HTTP adapter against the sandbox: capture, void and refund', () => {
  const authorize = async (amount = 5000) => {
    const outcome = await gateway.authorize({ ...money, amount, idempotencyKey: key(), source: card('4111111111111111') });
    if (outcome.kind !== 'approved') throw new Error(`authorize: ${outcome.kind}`);
    return outcome.reference;
  };

  it('captures up to the authorised amount, once', async () => {
    const tx = await authorize(5000);
    expect(await gateway.capture({ ...money, amount: 5001, transaction: tx, idempotencyKey: key() })).toMatchObject({ kind: 'declined', code: 'amount_exceeds_authorized' });
    expect(await gateway.capture({ ...money, amount: 4000, transaction: tx, idempotencyKey: key() })).toEqual({ kind: 'approved', reference: tx });
    expect(await gateway.capture({ ...money, amount: 1000, transaction: tx, idempotencyKey: key() })).toMatchObject({ kind: 'declined', code: 'not_capturable' });
    expect(sandbox.transaction(tx)).toMatchObject({ status: 'captured', authorized: 5000, captured: 4000 });
  });

  it('voids an authorisation but not a capture, and never captures a voided one', async () => {
    const voided = await authorize();
    expect(await gateway.void({ reference: 'order-1', transaction: voided, idempotencyKey: key() })).toEqual({ kind: 'approved', reference: voided });
    expect(await gateway.capture({ ...money, transaction: voided, idempotencyKey: key() })).toMatchObject({ kind: 'declined', code: 'not_capturable' });
    expect(await gateway.void({ reference: 'order-1', transaction: voided, idempotencyKey: key() })).toMatchObject({ kind: 'declined', code: 'not_voidable' });
    const captured = await authorize();
    await gateway.capture({ ...money, transaction: captured, idempotencyKey: key() });
    const refused = await gateway.void({ reference: 'order-1', transaction: captured, idempotencyKey: key() });
    expect(refused).toMatchObject({ kind: 'declined', code: 'not_voidable' });
    expect(refused.kind === 'declined' && refused.message).toContain('refund it instead');
  });

  it('refunds in parts up to what was captured, and nothing of a mere authorisation', async () => {
    const sale = await gateway.sale({ ...money, amount: 3000, idempotencyKey: key(), source: card('5555555555554444') });
    if (sale.kind !== 'approved') throw new Error('sale');
    const tx = sale.reference;
    expect(await gateway.refund({ ...money, amount: 2000, transaction: tx, idempotencyKey: key() })).toMatchObject({ kind: 'approved' });
    expect(await gateway.refund({ ...money, amount: 1001, transaction: tx, idempotencyKey: key() })).toMatchObject({ kind: 'declined', code: 'amount_exceeds_captured' });
    expect(await gateway.refund({ ...money, amount: 1000, transaction: tx, idempotencyKey: key() })).toMatchObject({ kind: 'approved' });
    expect(await gateway.refund({ ...money, amount: 1, transaction: tx, idempotencyKey: key() })).toMatchObject({ kind: 'declined', code: 'amount_exceeds_captured' });
    expect(await gateway.refund({ ...money, amount: 100, currency: 'EUR', transaction: tx, idempotencyKey: key() })).toMatchObject({ kind: 'declined', code: 'currency_mismatch' });
    expect(await gateway.refund({ ...money, transaction: await authorize(), idempotencyKey: key() })).toMatchObject({ kind: 'declined', code: 'not_refundable' });
    expect(await gateway.refund({ ...money, transaction: 'txn_abcdefghijklmnopqrst', idempotencyKey: key() })).toMatchObject({ kind: 'declined', code: 'transaction_not_found' });
  });

  it('takes e-checks as pending sales only', async () => {
    const echeck = { type: 'echeck' as const, routingNumber: '110000000', accountNumber: '000123456789', accountType: 'checking' as const };
    expect(await gateway.sale({ ...money, idempotencyKey: key(), source: echeck })).toMatchObject({ kind: 'pending' });
    expect(await gateway.authorize({ ...money, idempotencyKey: key(), source: echeck })).toMatchObject({ kind: 'declined', code: 'unsupported_source' });
    expect(await gateway.sale({ ...money, idempotencyKey: key(), source: { ...echeck, routingNumber: '110000001' } })).toMatchObject({ kind: 'declined', code: 'invalid_routing_number' });
  });
});

describe('HTTP adapter against the sandbox: idempotency and faults', () => {
  it('replays the first answer for the same key and request, and refuses the key for another request', async () => {
    const idempotencyKey = key();
    const first = await gateway.sale({ ...money, idempotencyKey, source: card('4111111111111111') });
    const again = await gateway.sale({ ...money, idempotencyKey, source: card('4111111111111111') });
    expect(again).toEqual(first);
    if (first.kind !== 'approved') throw new Error('sale');
    expect(charges(first.reference)).toHaveLength(1);
    expect(await gateway.sale({ ...money, amount: 1, idempotencyKey, source: card('4111111111111111') })).toMatchObject({ kind: 'declined', code: 'idempotency_key_reused' });
    const reused = await fetch(`${sandbox.url}/v1/sales`, {
      method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'idempotency-key': idempotencyKey, 'content-type': 'application/json' },
      body: JSON.stringify({ ...money, amount: 1, source: card('4111111111111111') }),
    });
    expect(reused.status).toBe(422);
  });

  it('retries a lost answer (timeout) with the same key: approved, charged exactly once', async () => {
    const failures: string[] = [];
    const flaky = adapter({ timeoutMs: 300, headers: { 'sandbox-fault': 'timeout;times=2' }, onAttemptFailed: (f) => failures.push(f.reason) });
    const outcome = await flaky.sale({ ...money, idempotencyKey: key(), source: card('4111111111111111') });
    expect(outcome.kind).toBe('approved');
    expect(failures).toEqual(['no answer within 300 ms', 'no answer within 300 ms']);
    if (outcome.kind === 'approved') expect(charges(outcome.reference)).toHaveLength(1);
  });

  it('retries 5xx with the same key: approved, charged exactly once', async () => {
    const before = sandbox.log().filter((e) => e.operation === 'sale').length;
    const flaky = adapter({ headers: { 'sandbox-fault': '5xx;times=2' } });
    const outcome = await flaky.sale({ ...money, idempotencyKey: key(), source: card('4111111111111111') });
    expect(outcome.kind).toBe('approved');
    expect(sandbox.log().filter((e) => e.operation === 'sale').length).toBe(before + 1);
  });

  it('answers unknown when retries run out, and a later retry with the same key resolves it without a second charge', async () => {
    const idempotencyKey = key();
    const request = { ...money, idempotencyKey, source: card('4111111111111111') };
    const lost = await adapter({ timeoutMs: 200, maxAttempts: 2, headers: { 'sandbox-fault': 'timeout' } }).sale(request);
    expect(lost).toEqual({ kind: 'unknown', reason: 'no answer within 200 ms (after 2 attempts)' });
    const down = await adapter({ maxAttempts: 2, headers: { 'sandbox-fault': '5xx' } }).sale(request);
    expect(down).toEqual({ kind: 'unknown', reason: 'HTTP 503 (after 2 attempts)' });
    const resolved = await gateway.sale(request);
    expect(resolved.kind).toBe('approved');
    if (resolved.kind === 'approved') expect(charges(resolved.reference)).toHaveLength(1);
    expect(sandbox.log().filter((e) => e.idempotencyKey === idempotencyKey)).toHaveLength(1);
  });

  it('waits out configured latency within the timeout, and gives up beyond it', async () => {
    sandbox.setFaults({ latencyMs: 150 });
    try {
      expect((await adapter({ timeoutMs: 1000 }).sale({ ...money, idempotencyKey: key(), source: card('4111111111111111') })).kind).toBe('approved');
      expect(await adapter({ timeoutMs: 50, maxAttempts: 1 }).sale({ ...money, idempotencyKey: key(), source: card('4111111111111111') })).toMatchObject({ kind: 'unknown' });
    } finally {
      sandbox.setFaults({});
    }
  });

  it('answers unknown when nothing listens', async () => {
    const closed = await startSandboxGateway({ port: 0, secret: SECRET });
    await closed.close();
    const outcome = await createHttpGateway({ baseUrl: closed.url, secret: SECRET, maxAttempts: 2, backoffMs: 5 }).sale({ ...money, idempotencyKey: key(), source: card('4111111111111111') });
    expect(outcome).toMatchObject({ kind: 'unknown' });
    expect(outcome.kind === 'unknown' && outcome.reason).toMatch(/^connection failed/);
  });

  it('requires an idempotency key', async () => {
    await expect(gateway.sale({ ...money, idempotencyKey: '', source: card('4111111111111111') })).rejects.toThrow('idempotency key is required');
  });
});

import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { createHttpGateway, type HttpGatewayOptions } from '../payments/gateway/http-gateway.js';
import { SANDBOX_NOTIFICATION_PATH } from '../payments/gateway/gateway-setup.js';
import { createPaymentServices, type PaymentServices } from '../payments/payment-services.js';
import { startSandboxGateway, type SandboxGateway, type SandboxGatewayOptions } from '../payments/sandbox/sandbox-server.js';
import { SANDBOX_TEST_CARDS } from '../payments/sandbox/test-cards.js';
import { openVaultKeyring } from '../vault/open-keyring.js';
import { luhnValid } from '../shared/card-number.js';
import { buildTestApp, type TestApp, testConfig } from './app.js';

/** ORDERDECK_MERCHANT_NAME in the payment tests: what customers see in emails and on the pay page. */
export const TEST_MERCHANT = 'Harbour Books';

export interface PaymentTestEnv {
  t: TestApp;
  sandbox: SandboxGateway;
  payments: PaymentServices;
  /** Vaults a sandbox test card (by its behaviour text, e.g. 'declined: insufficient funds') and answers the order's `payment`. */
  card(behaviour?: string): Promise<{ method: 'credit_card'; card: { token: string } }>;
  close(): Promise<void>;
}

let cardSeq = 0;
/**
 * A card the sandbox approves that no other test used: each order its own card, as real customers have
 * (one card on many orders trips the fraud velocity rule). Built here so no test source holds a number.
 */
export function uniqueApprovedCard(): string {
  const body = `4${String(process.pid % 10_000).padStart(4, '0')}${String(++cardSeq).padStart(10, '0')}`;
  for (let check = 0; check < 10; check++) if (luhnValid(`${body}${check}`)) return `${body}${check}`;
  throw new Error('unreachable: one check digit always fits');
}

/** The sandbox test card with this behaviour; the numbers stay in test-cards.ts, not in test sources. */
export function sandboxCard(behaviour = 'approved'): string {
  const found = SANDBOX_TEST_CARDS.find((c) => c.behaviour === behaviour);
  if (!found) throw new Error(`no sandbox test card behaves "${behaviour}"`);
  return found.number;
}

/**
 * An Orderdeck app listening on a free port with the sandbox gateway on another, wired both ways: charges
 * go over HTTP to the sandbox, and its signed notifications come back over HTTP to the app.
 */
export async function startPaymentTestEnv(
  db: Db, opts: { sandbox?: Partial<SandboxGatewayOptions>; gateway?: Partial<HttpGatewayOptions> } = {},
): Promise<PaymentTestEnv> {
  const secret = randomBytes(24).toString('base64url');
  const config = testConfig({ gatewaySecret: secret, merchantName: TEST_MERCHANT });
  const payments = createPaymentServices(openVaultKeyring(config));
  const t = await buildTestApp(db, { gatewaySecret: secret, merchantName: TEST_MERCHANT }, { payments });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  const sandbox = await startSandboxGateway({
    port: 0, host: '127.0.0.1', secret, webhookUrl: `http://127.0.0.1:${port}${SANDBOX_NOTIFICATION_PATH}`,
    settleDelayMs: 50, notificationHoldMs: 20, notificationRetryMs: 20, ...opts.sandbox,
  });
  payments.useGateway(createHttpGateway({ baseUrl: sandbox.url, secret, name: 'sandbox', timeoutMs: 2_000, backoffMs: 10, ...opts.gateway }));
  return {
    t, sandbox, payments,
    async card(behaviour = 'approved') {
      const res = await t.as('admin', {
        method: 'POST', url: '/api/v1/vault/cards', payload: { number: behaviour === 'approved' ? uniqueApprovedCard() : sandboxCard(behaviour), expMonth: 12, expYear: 2031, holderName: 'Ada Lovelace' },
      });
      if (res.statusCode !== 201) throw new Error(`vaulting a test card failed: ${res.statusCode} ${res.body}`);
      return { method: 'credit_card', card: { token: res.json<{ token: string }>().token } };
    },
    async close() {
      await sandbox.close();
      await t.close();
    },
  };
}

/** Polls `check` until it holds (a notification delivered, a job done), failing after `ms`. */
export async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { request as playwrightRequest, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Role } from '../../src/auth/permissions.js';
import { buildApp } from '../../src/http/app.js';
import { SANDBOX_NOTIFICATION_PATH } from '../../src/payments/gateway/gateway-setup.js';
import { createHttpGateway } from '../../src/payments/gateway/http-gateway.js';
import { createPaymentServices } from '../../src/payments/payment-services.js';
import { startSandboxGateway, type SandboxGateway } from '../../src/payments/sandbox/sandbox-server.js';
import { testConfig } from '../../src/test-support/app.js';
import type { DialectName } from '../../src/test-support/databases.js';
import { uniqueApprovedCard } from '../../src/test-support/payments.js';
import { openVaultKeyring } from '../../src/vault/open-keyring.js';
import { PASSWORD, signIn, startBrowserEnv, type BrowserEnv } from './harness.js';

/*
 * What the payment screens' browser tests share. The harness's server runs without a gateway, so these
 * pages are served by a second server on the same database with the sandbox gateway connected over HTTP,
 * as `serve` does. Expected values come from the API or the database.
 */

export interface Ledger {
  paid: number; refunded: number; refundable: number; refundBlocked: boolean;
  entries: { id: number; kind: string; status: string; amount: number; gatewayReference: string | null; declineCode: string | null; message: string | null }[];
}
export interface OrderDto { orderId: string; stage: string; version: number; payment: { status: string } }

/** Each test runs several flows through a real browser and gateway: more than the default 30 s on a busy machine. */
export const FLOWS_MS = 90_000;

/** US dollars as the page shows them in en-US (amounts here stay under $1,000). */
export const usd = (minor: number) => `$${(minor / 100).toFixed(2)}`;

export const queueRows = (page: Page, label: string) => page.getByRole('table', { name: label }).locator('tbody tr');

/** A colleague at the API with their own session: places orders, reads what the page should show. */
async function openColleague(env: BrowserEnv, baseUrl: string) {
  const email = await env.user('admin', 'Paula Payments');
  const ctx = await playwrightRequest.newContext({ baseURL: baseUrl });
  const login = await ctx.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(login.status()).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const send = async <T = OrderDto>(method: 'GET' | 'POST' | 'PUT', path: string, data?: unknown): Promise<T> => {
    const response = await ctx.fetch(`/api/v1${path}`, { method, data, headers: { 'x-csrf-token': csrfToken } });
    expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
    return (await response.json()) as T;
  };
  const vaultCard = async (number: string) =>
    (await send<{ token: string }>('POST', '/vault/cards', { number, expMonth: 12, expYear: 2031, holderName: 'Ada Lovelace' })).token;
  const placeOrder = async (payment: Record<string, unknown>, extra: Record<string, unknown> = {}) => send('POST', '/orders', {
    channel: 'phone', currency: 'USD', customer: { email: `buyer.${randomBytes(4).toString('hex')}@example.com` },
    billing: { firstName: 'Pat', lastName: 'Payer', line1: '1 Test Street', city: 'Springfield', postalCode: '62701', country: 'US' },
    items: [
      { sku: 'PAY-1', description: 'Walnut desk organiser', quantity: 2, unitPrice: 1250, tax: 250, shippable: true, preorder: false },
      { sku: 'PAY-2', description: 'Gift wrap', quantity: 1, unitPrice: 300, shippable: true, preorder: false },
    ],
    shippingCost: 595, payment, ...extra,
  });
  const cardOrder = async (extra: Record<string, unknown> = {}, number = uniqueApprovedCard()) =>
    placeOrder({ method: 'credit_card', card: { token: await vaultCard(number) } }, extra);
  return { send, placeOrder, cardOrder, close: () => ctx.dispose() };
}
export type Colleague = Awaited<ReturnType<typeof openColleague>>;

/**
 * The harness's browser env (60 demo orders) plus the payments server and the sandbox gateway it charges
 * through. `baseUrl` is the payments server's: pages and colleagues use it.
 */
export async function startPaymentsBrowserEnv(dialect: DialectName) {
  const env = await startBrowserEnv({ orders: 60, dialect });
  let app: FastifyInstance | undefined;
  let sandbox: SandboxGateway | undefined;
  const close = async () => {
    await sandbox?.close();
    await app?.close();
    await env.close();
  };
  let baseUrl: string;
  try {
    const secret = randomBytes(24).toString('base64url');
    const config = testConfig({ gatewaySecret: secret });
    const payments = createPaymentServices(openVaultKeyring(config));
    app = await buildApp({ config, db: env.db, payments });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;
    sandbox = await startSandboxGateway({
      port: 0, host: '127.0.0.1', secret, webhookUrl: `${baseUrl}${SANDBOX_NOTIFICATION_PATH}`,
      settleDelayMs: 50, notificationHoldMs: 20, notificationRetryMs: 20,
    });
    payments.useGateway(createHttpGateway({ baseUrl: sandbox.url, secret, name: 'sandbox', timeoutMs: 2_000, backoffMs: 10 }));
  } catch (error) {
    await close();
    throw error;
  }

  /** A new page signed in on the payments server as a fresh user of that role, closed after `body`. */
  const withPage = async (role: Role, body: (page: Page) => Promise<void>) => {
    const page = await env.newPage();
    try {
      await signIn(page, baseUrl, await env.user(role));
      await body(page);
    } finally {
      await page.close();
    }
  };

  return { baseUrl, db: env.db, sandbox, withPage, colleague: () => openColleague(env, baseUrl), close };
}
export type PaymentsBrowserEnv = Awaited<ReturnType<typeof startPaymentsBrowserEnv>>;

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { request as playwrightRequest, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../../src/auth/permissions.js';
import { buildApp } from '../../src/http/app.js';
import { SANDBOX_NOTIFICATION_PATH } from '../../src/payments/gateway/gateway-setup.js';
import { createHttpGateway } from '../../src/payments/gateway/http-gateway.js';
import { createPaymentServices } from '../../src/payments/payment-services.js';
import { startSandboxGateway, type SandboxGateway } from '../../src/payments/sandbox/sandbox-server.js';
import { SANDBOX_TEST_ACCOUNTS } from '../../src/payments/sandbox/test-cards.js';
import { testConfig } from '../../src/test-support/app.js';
import { sandboxCard, uniqueApprovedCard } from '../../src/test-support/payments.js';
import { openVaultKeyring } from '../../src/vault/open-keyring.js';
import { describeInBrowser, PASSWORD, screenshot, signIn, startBrowserEnv, type BrowserEnv } from './harness.js';

/*
 * The payment screens in a real browser: the order's payment panel and refund dialog, the Fraud Review
 * and Accounts Receivable queues' own actions, and the fraud rules settings. The harness's server runs
 * without a gateway, so these pages are served by a second server on the same database with the sandbox
 * gateway connected over HTTP, as `serve` does. Expected values come from the API or the database.
 */

interface Ledger {
  paid: number; refunded: number; refundable: number;
  entries: { id: number; kind: string; status: string; amount: number; gatewayReference: string | null; declineCode: string | null; message: string | null }[];
}
/** A charge whose answer was lost, and the transaction id the gateway shows for it. */
interface LostECheck { placed: OrderDto; charge: Ledger['entries'][number]; transaction: string }
interface OrderDto { orderId: string; stage: string; version: number; payment: { status: string } }

/** Each test runs several flows through a real browser and gateway: more than the default 30 s on a busy machine. */
const FLOWS_MS = 90_000;

/** US dollars as the page shows them in en-US (amounts here stay under $1,000). */
const usd = (minor: number) => `$${(minor / 100).toFixed(2)}`;

describeInBrowser('payments: payment panel, refunds, A/R, Fraud Review, settings', () => {
  let env: BrowserEnv;
  let app: FastifyInstance;
  let sandbox: SandboxGateway;
  let baseUrl: string;

  beforeAll(async () => {
    env = await startBrowserEnv({ orders: 60 });
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
  });
  afterAll(async () => {
    await sandbox?.close();
    await app?.close();
    await env?.close();
  });

  const withPage = async (role: Role, body: (page: Page) => Promise<void>) => {
    const page = await env.newPage();
    try {
      await signIn(page, baseUrl, await env.user(role));
      await body(page);
    } finally {
      await page.close();
    }
  };

  /** A colleague at the API with their own session: places orders, reads what the page should show. */
  const colleague = async () => {
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
  };

  const queueRows = (page: Page, label: string) => page.getByRole('table', { name: label }).locator('tbody tr');

  it('shows a charged order\'s ledger, and a partial refund through the dialog updates it', async () => {
    const other = await colleague();
    const placed = await other.cardOrder();
    const before = await other.send<Ledger>('GET', `/orders/${placed.orderId}/payments`);
    expect(before.entries.map((e) => [e.kind, e.status])).toEqual([['sale', 'approved']]);

    await withPage('manager', async (page) => {
      await page.goto(`${baseUrl}/orders/${placed.orderId}`);
      const panel = page.getByRole('region', { name: 'Payment', exact: true });
      const ledger = panel.getByRole('table', { name: 'Payment ledger' });
      await ledger.getByRole('row').filter({ hasText: 'Sale' }).getByText('Approved').waitFor();
      expect(await panel.getByLabel('Payment figures').textContent()).toContain(`Paid${usd(before.paid)}`);

      await panel.getByRole('button', { name: 'Refund…' }).click();
      const dialog = page.getByRole('dialog', { name: `Refund ${placed.orderId}` });
      // More than is left: the server's answer is shown at the line's field.
      await dialog.getByLabel('Quantity to refund of PAY-2').fill('3');
      await dialog.getByText(/line 2: 1 of 1 left to refund, not 3/i).waitFor();
      await dialog.getByLabel('Quantity to refund of PAY-2').fill('1');
      await dialog.getByLabel('Quantity to refund of PAY-1').fill('1');
      const preview = await other.send<{ total: number }>('POST', `/orders/${placed.orderId}/refunds/preview`, { items: [{ lineNo: 1, quantity: 1 }, { lineNo: 2, quantity: 1 }] });
      await dialog.getByLabel('Refund preview').getByText(usd(preview.total)).last().waitFor();
      await dialog.getByLabel('Reason').selectOption({ index: 1 });
      await screenshot(page, 'refund-dialog');
      await dialog.getByRole('button', { name: /^Refund \$/ }).click();

      await panel.getByRole('status').filter({ hasText: `Refunded ${usd(preview.total)}` }).waitFor();
      await ledger.getByRole('row').filter({ hasText: 'Refund' }).getByText('Approved').waitFor();
      const after = await other.send<Ledger>('GET', `/orders/${placed.orderId}/payments`);
      expect(after.refunded).toBe(preview.total);
      expect(after.entries.filter((e) => e.kind === 'refund').map((e) => e.status)).toEqual(['approved']);
      await expect.poll(() => panel.getByLabel('Payment figures').textContent()).toContain(`Refunded${usd(preview.total)}`);
      await screenshot(page, 'order-payment', { fullPage: true });
    });
    await other.close();
  }, FLOWS_MS);

  /**
   * E-checks whose answers are lost: the sandbox takes each submission but never answers (its timeout
   * fault), and an e-check's account number is not kept to ask again, so each charge stays unknown. The
   * sandbox clears them meanwhile; those notifications name no payment of ours yet and are kept, ignored.
   * Each comes with the transaction id the gateway's dashboard (the sandbox's log) shows for it.
   */
  const lostEChecks = async (other: Awaited<ReturnType<typeof colleague>>, count: number): Promise<LostECheck[]> => {
    sandbox.setFaults({ timeoutRate: 1 });
    let placed: OrderDto[];
    try {
      placed = await Promise.all(Array.from({ length: count }, () => other.placeOrder({
        method: 'e_check', echeck: { routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber: SANDBOX_TEST_ACCOUNTS.settles, accountType: 'checking' },
      })));
    } finally {
      sandbox.setFaults({});
    }
    await sandbox.notificationsIdle();
    return Promise.all(placed.map(async (order) => {
      expect(order.stage).toBe('accounts_receivable');
      const { entries } = await other.send<Ledger>('GET', `/orders/${order.orderId}/payments`);
      expect(entries).toEqual([expect.objectContaining({ kind: 'sale', status: 'unknown', gatewayReference: null })]);
      const transaction = sandbox.log().find((e) => e.operation === 'sale' && e.idempotencyKey?.includes(order.orderId))?.transaction;
      expect(transaction, `the sandbox took the e-check of ${order.orderId}`).toBeTruthy();
      return { placed: order, charge: entries[0]!, transaction: transaction! };
    }));
  };
  const ledgerRow = (page: Page, ledgerId: number) => page.getByRole('region', { name: 'Payment', exact: true })
    .getByRole('table', { name: 'Payment ledger' }).locator(`tr[data-ledger-id="${ledgerId}"]`);
  const historyLine = (page: Page, text: string) => page.getByRole('list', { name: 'Stage history' }).getByRole('listitem').filter({ hasText: text });

  it('records by hand that a lost e-check failed: outcome and note are required, then the row, the panel and the history follow', async () => {
    const other = await colleague();
    const { placed, charge } = (await lostEChecks(other, 1))[0]!;
    const note = 'Not on the gateway dashboard, checked 10:40';

    await withPage('accounting', async (page) => {
      await page.goto(`${baseUrl}/orders/${placed.orderId}`);
      const panel = page.getByRole('region', { name: 'Payment', exact: true });
      const row = ledgerRow(page, charge.id);
      await row.getByText('No answer yet', { exact: true }).waitFor();
      await row.getByRole('button', { name: 'Record outcome…' }).click();

      const dialog = page.getByRole('dialog', { name: `Record the outcome of entry ${charge.id}` });
      await dialog.getByText(`Orderdeck never got the gateway's answer to this sale of ${usd(charge.amount)}`).waitFor();
      await dialog.getByText('check with the gateway first, then record what it says').waitFor();
      expect(await dialog.getByLabel('Gateway reference').inputValue()).toBe('');
      // Neither an outcome nor a note: both are asked for, and nothing is sent.
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('Choose what the gateway says happened.').waitFor();
      await dialog.getByRole('radio', { name: 'Failed' }).check();
      expect(await dialog.getByText('Choose what the gateway says happened.').count()).toBe(0);
      await dialog.getByRole('button', { name: 'Save' }).click();
      const noteField = dialog.getByLabel('How did you confirm it?');
      await dialog.getByText('Say how you confirmed it: the gateway dashboard, a support ticket…').waitFor();
      expect(await noteField.getAttribute('aria-invalid')).toBe('true');
      expect((await other.send<Ledger>('GET', `/orders/${placed.orderId}/payments`)).entries[0]!.status).toBe('unknown');

      await noteField.fill(note);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await panel.getByRole('status').filter({ hasText: `Recorded the sale of ${usd(charge.amount)} (entry ${charge.id}) as failed.` }).waitFor();
      await row.getByText('Failed', { exact: true }).waitFor();
      expect(await row.getByRole('button', { name: 'Record outcome…' }).count()).toBe(0);
      const line = historyLine(page, `charge of ${usd(charge.amount)} recorded as failed by hand: ${note}`);
      await line.waitFor();
      expect(await line.textContent()).toContain('Test accounting');
    });

    const after = await other.send<Ledger>('GET', `/orders/${placed.orderId}/payments`);
    expect(after.entries).toEqual([expect.objectContaining({ id: charge.id, status: 'failed', declineCode: 'resolved_by_hand', message: note })]);
    // Nothing is in flight any more: the order stays in A/R to be collected again.
    expect((await other.send('GET', `/orders/${placed.orderId}`)).stage).toBe('accounts_receivable');
    await other.close();
  }, FLOWS_MS);

  it('records a lost e-check approved with the gateway\'s reference, hides "Record outcome…" from those who may not act, and shows a refusal', async () => {
    const other = await colleague();
    const [lost, raced] = (await lostEChecks(other, 2)) as [LostECheck, LostECheck];
    const note = 'Found on the gateway dashboard, batch 0412';

    // Read-only staff see the entry but may not act on an order in Accounts Receivable.
    await withPage('read_only', async (page) => {
      await page.goto(`${baseUrl}/orders/${lost.placed.orderId}`);
      await ledgerRow(page, lost.charge.id).getByText('No answer yet', { exact: true }).waitFor();
      expect(await page.getByRole('button', { name: 'Record outcome…' }).count()).toBe(0);
    });

    await withPage('accounting', async (page) => {
      await page.goto(`${baseUrl}/orders/${lost.placed.orderId}`);
      const panel = page.getByRole('region', { name: 'Payment', exact: true });
      const row = ledgerRow(page, lost.charge.id);
      await row.getByRole('button', { name: 'Record outcome…' }).click();
      const dialog = page.getByRole('dialog', { name: `Record the outcome of entry ${lost.charge.id}` });
      await dialog.getByRole('radio', { name: 'Approved' }).check();
      await dialog.getByText('The gateway accepted the e-check').waitFor();
      await dialog.getByLabel('How did you confirm it?').fill(note);
      // Orderdeck never learned the reference: an approved charge needs it.
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('Give the gateway\'s transaction reference: an approved charge needs it.').waitFor();
      expect(await dialog.getByLabel('Gateway reference').getAttribute('aria-invalid')).toBe('true');
      await dialog.getByLabel('Gateway reference').fill(lost.transaction);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      // Accepted by hand, then cleared at once by the gateway's notification that had come meanwhile.
      await panel.getByRole('status').filter({ hasText: `Recorded the sale of ${usd(lost.charge.amount)} (entry ${lost.charge.id}) as approved.` }).waitFor();
      await row.getByText('Approved', { exact: true }).waitFor();
      await row.getByText(lost.transaction, { exact: true }).waitFor();
      await historyLine(page, `recorded as accepted by the gateway, awaiting clearance, by hand (${lost.transaction}): ${note}`).waitFor();
      await historyLine(page, `payment of ${usd(lost.charge.amount)} cleared (${lost.transaction})`).waitFor();

      // A colleague records the other one while this page's dialog is open: the server's refusal is shown.
      await page.goto(`${baseUrl}/orders/${raced.placed.orderId}`);
      const racedRow = ledgerRow(page, raced.charge.id);
      await racedRow.getByRole('button', { name: 'Record outcome…' }).click();
      const second = page.getByRole('dialog', { name: `Record the outcome of entry ${raced.charge.id}` });
      await second.getByRole('radio', { name: 'Failed' }).check();
      await second.getByLabel('How did you confirm it?').fill('Not on the dashboard');
      await other.send('POST', `/orders/${raced.placed.orderId}/payments/${raced.charge.id}/resolve`, { outcome: 'failed', note: 'Refused by the gateway, support ticket 5521' });
      await second.getByRole('button', { name: 'Save' }).click();
      await second.getByRole('alert').filter({ hasText: `Entry ${raced.charge.id} is failed: only a charge whose outcome is unknown is resolved by hand` }).waitFor();
      // Behind the dialog the panel has read the ledger again.
      await racedRow.getByText('Failed', { exact: true }).waitFor();
      await second.getByRole('button', { name: 'Cancel' }).click();
      await second.waitFor({ state: 'detached' });
      expect(await racedRow.getByRole('button', { name: 'Record outcome…' }).count()).toBe(0);
    });

    const after = await other.send<Ledger>('GET', `/orders/${lost.placed.orderId}/payments`);
    expect(after.entries).toEqual([expect.objectContaining({ id: lost.charge.id, status: 'approved', gatewayReference: lost.transaction, message: note })]);
    expect(after.paid).toBe(lost.charge.amount);
    expect((await other.send('GET', `/orders/${lost.placed.orderId}`)).stage).toBe('shipping_department');
    expect((await other.send<Ledger>('GET', `/orders/${raced.placed.orderId}/payments`)).entries[0]).toMatchObject({ status: 'failed', message: 'Refused by the gateway, support ticket 5521' });
    await other.close();
  }, FLOWS_MS);

  it('approves an order in the Fraud Review queue: the card is charged and the order moves on', async () => {
    const other = await colleague();
    const held = await other.cardOrder({ fraudHold: true });
    expect(held.stage).toBe('fraud_review');

    await withPage('accounting', async (page) => {
      await page.goto(`${baseUrl}/fraud-review`);
      await page.getByLabel(`Select ${held.orderId}`).click();
      await page.getByRole('region', { name: 'Why these orders were held' }).getByRole('article', { name: `Fraud check of ${held.orderId}` }).waitFor();
      const toolbar = page.getByRole('toolbar', { name: 'Actions on the selected orders' });
      await screenshot(page, 'fraud-review');
      await toolbar.getByRole('button', { name: 'Approve' }).click();
      const dialog = page.getByRole('dialog', { name: `Approve: ${held.orderId}` });
      await dialog.getByRole('button', { name: 'Approve' }).click();
      await dialog.getByText('Give a reason.').waitFor();
      await dialog.getByLabel(/Reason/).fill('Called the customer; the order is genuine');
      await dialog.getByRole('button', { name: 'Approve' }).click();

      const report = page.getByRole('status', { name: 'Fraud Review results' });
      await report.getByText('Approve: 1 of 1 done.').waitFor();
      expect(await report.textContent()).toContain(`${held.orderId}: Approved; moved to`);
      await expect.poll(() => queueRows(page, 'Fraud Review queue').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order-id'))))
        .not.toContain(held.orderId);
    });
    const after = await other.send('GET', `/orders/${held.orderId}`);
    expect(after.stage).not.toBe('fraud_review');
    expect(after.payment.status).toBe('processed');
    const history = await env.db.selectFrom('order_history').innerJoin('orders', 'orders.id', 'order_history.order_id')
      .select('order_history.reason').where('orders.order_number', '=', held.orderId).where('order_history.reason', 'like', '%Called the customer; the order is genuine%').execute();
    expect(history.length, 'the reason is in the history').toBeGreaterThan(0);

    // From the order page: reject, and block the customer with it.
    // Its own email, IP and address: blocking them must not hold the other tests' orders.
    const fraudster = await other.cardOrder({
      fraudHold: true, customer: { email: `fraud.${randomBytes(4).toString('hex')}@example.com`, ip: '203.0.113.77' },
      billing: { firstName: 'Mal', lastName: 'Ory', line1: '99 Fraud Lane', city: 'Elsewhere', postalCode: '10001', country: 'US' },
    });
    await withPage('accounting', async (page) => {
      await page.goto(`${baseUrl}/orders/${fraudster.orderId}`);
      const decision = page.getByRole('region', { name: 'Fraud Review decision' });
      await decision.getByRole('button', { name: 'Reject' }).waitFor();
      await screenshot(page, 'fraud-review-order');
      await decision.getByRole('button', { name: 'Reject' }).click();
      const dialog = page.getByRole('dialog', { name: `Reject: ${fraudster.orderId}` });
      await dialog.getByLabel(/Reason/).fill('Stolen card reported by the bank');
      await dialog.getByLabel('Also block this customer').check();
      await dialog.getByRole('button', { name: 'Reject' }).click();
      await page.getByRole('heading', { level: 1 }).getByText('Rejected').waitFor();
    });
    expect((await other.send('GET', `/orders/${fraudster.orderId}`)).stage).toBe('rejected');
    const blocks = await other.send<{ items: { kind: string; value: string }[] }>('GET', '/fraud/blocks?limit=100');
    expect(blocks.items).toContainEqual(expect.objectContaining({ kind: 'ip', value: '203.0.113.77' }));
    await other.close();
  }, FLOWS_MS);

  it('marks an offline order paid from the A/R queue, retries a declined card and sends a payment request', async () => {
    const other = await colleague();
    const check = await other.placeOrder({ method: 'check', status: 'unprocessed' });
    const declined = await other.cardOrder({}, sandboxCard('declined: insufficient funds'));
    expect([check.stage, declined.stage]).toEqual(['accounts_receivable', 'accounts_receivable']);

    await withPage('accounting', async (page) => {
      await page.goto(`${baseUrl}/accounts-receivable`);
      await page.getByRole('region', { name: 'Recovered revenue' }).getByText('Retries charged').waitFor();

      await page.getByLabel(`Select ${check.orderId}`).click();
      const toolbar = page.getByRole('toolbar', { name: 'Actions on the selected orders' });
      await toolbar.getByRole('button', { name: 'Mark paid…' }).click();
      const dialog = page.getByRole('dialog', { name: `Mark paid: ${check.orderId}` });
      await dialog.getByRole('button', { name: 'Mark paid' }).click();
      await dialog.getByText('Give the check number, wire reference or PO number.').waitFor();
      await dialog.getByLabel('Reference').fill('CHK-20931');
      await dialog.getByRole('button', { name: 'Mark paid' }).click();
      const report = page.getByRole('status', { name: 'Accounts Receivable results' });
      await report.getByText(`${check.orderId}:`).waitFor();
      expect(await report.textContent()).toMatch(/Marked paid: \$[\d.]+ received/);

      await page.getByLabel(`Select ${declined.orderId}`).click();
      await toolbar.getByRole('button', { name: 'Retry charge' }).click();
      await report.getByText('Retry: 0 of 1 charged').waitFor();
      expect(await report.textContent()).toMatch(new RegExp(`${declined.orderId}: Declined`));
      // The retry counts in the recovered revenue figures, read again after it.
      const stats = await other.send<{ days: { attempted: number; approved: number }[] }>('GET', '/payments/ar-stats?days=30');
      const attempted = stats.days.reduce((n, d) => n + d.attempted, 0);
      const approved = stats.days.reduce((n, d) => n + d.approved, 0);
      expect(attempted).toBeGreaterThan(0);
      await expect.poll(() => page.getByRole('region', { name: 'Recovered revenue' }).textContent()).toContain(`Retries charged${approved} of ${attempted}`);

      // The declined order stays in the queue, and selected.
      const box = page.getByLabel(`Select ${declined.orderId}`);
      if (!(await box.isChecked())) await box.click();
      await toolbar.getByRole('button', { name: 'Send payment request…' }).click();
      const request = page.getByRole('dialog', { name: `Send payment request: ${declined.orderId}` });
      await request.getByLabel('Message to the customer').fill('Your card was declined; you can pay here.');
      await request.getByRole('button', { name: 'Send request' }).click();
      const sent = page.getByRole('dialog', { name: `Payment request sent: ${declined.orderId}` });
      expect(await sent.getByLabel('Pay link').inputValue()).toMatch(/\/pay\/\S+$/);
      await sent.getByRole('button', { name: 'Copy link' }).waitFor();
      await sent.getByRole('button', { name: 'Done' }).click();
      await report.getByText(`${declined.orderId}: Pay link emailed to`).waitFor();
      await page.evaluate('window.scrollTo(0, 0)');
      await screenshot(page, 'accounts-receivable');
    });

    const paid = await other.send('GET', `/orders/${check.orderId}`);
    expect(paid.stage).toBe('shipping_department');
    const ledger = await other.send<Ledger>('GET', `/orders/${check.orderId}/payments`);
    expect(ledger.entries.map((e) => [e.kind, e.status])).toEqual([['offline_payment', 'approved']]);
    expect(ledger.paid).toBe(ledger.entries[0]!.amount);
    expect((await other.send<Ledger>('GET', `/orders/${declined.orderId}/payments`)).entries.filter((e) => e.status === 'declined').length).toBe(2);
    await other.close();
  }, FLOWS_MS);

  it('saves a fraud threshold change, and refuses a stale save with "someone else changed these settings"', async () => {
    const other = await colleague();
    await withPage('manager', async (page) => {
      await page.goto(`${baseUrl}/settings/fraud`);
      const form = page.getByRole('form', { name: 'Fraud rules' });
      const threshold = form.getByLabel('Hold at (points)');
      await threshold.waitFor();
      const start = await other.send<{ threshold: number; version: number }>('GET', '/fraud/settings');
      expect(Number(await threshold.inputValue())).toBe(start.threshold);

      await threshold.fill('65');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      const saved = await other.send<{ threshold: number; version: number }>('GET', '/fraud/settings');
      expect(saved.threshold).toBe(65);
      expect(saved.version).toBe(start.version + 1);

      // A colleague saves in between: the page's next save is refused whole.
      const { updatedAt: _a, updatedBy: _b, ...current } = await other.send<Record<string, unknown>>('GET', '/fraud/settings');
      await other.send('PUT', '/fraud/settings', { ...current, threshold: 70 });
      await threshold.fill('80');
      await form.getByRole('button', { name: 'Save' }).click();
      const banner = form.getByRole('alert').filter({ hasText: 'Someone else changed these settings — reload' });
      await banner.waitFor();
      await screenshot(page, 'fraud-settings');
      await banner.getByRole('button', { name: 'Reload' }).click();
      await expect.poll(() => form.getByLabel('Hold at (points)').inputValue()).toBe('70');
      const latest = await other.send<{ threshold: number; version: number }>('GET', '/fraud/settings');
      expect(latest.threshold).toBe(70);

      // The changes list names both saves, newest first, after a refresh.
      const changes = page.getByRole('list', { name: 'Changes to the fraud rules' });
      await page.getByRole('region', { name: 'Changes' }).getByRole('button', { name: 'Refresh' }).click();
      await changes.getByText(`Changed the fraud rules (now version ${latest.version})`).waitFor();
      const lines = await changes.getByRole('listitem').allInnerTexts();
      expect(lines[0]).toContain(`now version ${latest.version}`);
      expect(lines[1]).toContain(`now version ${saved.version}`);
    });
    await other.close();
  }, FLOWS_MS);

  it('edits the card mode, the A/R retry schedule and the refund reasons; shows them read-only without settings:manage', async () => {
    const other = await colleague();
    await withPage('manager', async (page) => {
      await page.goto(baseUrl);
      await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL('**/settings/payments');
      const payments = page.getByRole('form', { name: 'Payments' });
      await payments.getByText('sandbox').waitFor();
      await payments.getByLabel('Authorize, capture later').check();
      await payments.getByRole('button', { name: 'Save' }).click();
      await payments.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect((await other.send<{ cardMode: string }>('GET', '/payments/settings')).cardMode).toBe('authorize');

      await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'A/R retry schedule' }).click();
      const schedule = page.getByRole('form', { name: 'A/R retry schedule' });
      await schedule.getByLabel('Coupon percent on day 5').fill('150');
      await schedule.getByRole('button', { name: 'Save' }).click();
      await schedule.getByText('A whole percent, 1–99').waitFor();
      await schedule.getByLabel('Coupon percent on day 5').fill('15');
      await schedule.getByRole('button', { name: 'Add a day' }).click();
      // An amount coupon carries its currency: €2.50 off euro orders only.
      await schedule.getByLabel('Coupon on day 2').selectOption('amount');
      await schedule.getByLabel('Coupon amount on day 2').fill('2.50');
      await schedule.getByLabel('Coupon currency on day 2').fill('eur');
      await schedule.getByRole('button', { name: 'Save' }).click();
      await schedule.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      const saved = await other.send<{ days: { day: number; action: string; couponPercent?: number }[] }>('GET', '/payments/ar-schedule');
      expect(saved.days.find((d) => d.day === 5)?.couponPercent).toBe(15);
      expect(saved.days.find((d) => d.day === 2)).toEqual({ day: 2, action: 'charge', couponAmount: 250, couponCurrency: 'EUR' });
      await screenshot(page, 'settings-ar-schedule');

      await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Refund reasons' }).click();
      const reasons = page.getByRole('form', { name: 'Refund reasons' });
      const count = (await other.send<{ reasons: string[] }>('GET', '/payments/refund-reasons')).reasons.length;
      await reasons.getByRole('button', { name: 'Add a reason' }).click();
      await reasons.getByLabel(`Reason ${count + 1}`, { exact: true }).fill('Damaged in transit');
      await reasons.getByRole('button', { name: 'Save' }).click();
      await reasons.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect((await other.send<{ reasons: string[] }>('GET', '/payments/refund-reasons')).reasons.at(-1)).toBe('Damaged in transit');
    });
    const current = await other.send<{ version: number }>('GET', '/payments/settings');
    await other.send('PUT', '/payments/settings', { cardMode: 'sale', version: current.version });

    await withPage('accounting', async (page) => {
      expect(await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Settings' }).count()).toBe(0);
      await page.goto(`${baseUrl}/settings/ar-schedule`);
      const schedule = page.getByRole('form', { name: 'A/R retry schedule' });
      await schedule.getByLabel('Coupon percent on day 5').waitFor();
      await page.getByText('Changing them needs the settings:manage permission').waitFor();
      expect(await schedule.getByLabel('Coupon percent on day 5').isDisabled()).toBe(true);
      expect(await schedule.getByRole('button', { name: 'Save' }).count()).toBe(0);
    });
    await other.close();
  }, FLOWS_MS);
});

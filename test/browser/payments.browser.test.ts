import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sandboxCard } from '../../src/test-support/payments.js';
import { describeInBrowser, screenshot } from './harness.js';
import { FLOWS_MS, type Ledger, type PaymentsBrowserEnv, queueRows, startPaymentsBrowserEnv, usd } from './payments-env.js';

/*
 * The payment screens in a real browser: the order's payment panel and refund dialog, the Fraud Review
 * and Accounts Receivable queues' own actions, and the fraud rules settings, served with the sandbox
 * gateway connected (see payments-env.ts). Expected values come from the API or the database.
 */

describeInBrowser('payments: payment panel, refunds, A/R, Fraud Review, settings', (dialect) => {
  let env: PaymentsBrowserEnv;

  beforeAll(async () => {
    env = await startPaymentsBrowserEnv(dialect);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('shows a charged order\'s ledger, and a partial refund through the dialog updates it', async () => {
    const other = await env.colleague();
    const placed = await other.cardOrder();
    const before = await other.send<Ledger>('GET', `/orders/${placed.orderId}/payments`);
    expect(before.entries.map((e) => [e.kind, e.status])).toEqual([['sale', 'approved']]);

    await env.withPage('manager', async (page) => {
      await page.goto(`${env.baseUrl}/orders/${placed.orderId}`);
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

  it('blocks refunds on an order with a reason, and lifts the block again', async () => {
    const other = await env.colleague();
    const placed = await other.cardOrder();
    await env.withPage('manager', async (page) => {
      await page.goto(`${env.baseUrl}/orders/${placed.orderId}`);
      const panel = page.getByRole('region', { name: 'Payment', exact: true });
      await panel.getByRole('button', { name: 'Block refunds…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Block refunds' });
      await dialog.getByRole('button', { name: 'Block refunds' }).click();
      await dialog.getByText('Say why refunds must stop').waitFor(); // nothing sent without a reason
      await dialog.getByLabel('Reason').fill('customer opened dispute 4471 with their bank');
      await dialog.getByRole('button', { name: 'Block refunds' }).click();
      await panel.getByRole('status').filter({ hasText: 'Refunds are now blocked' }).waitFor();
      await panel.getByText('Refunds are blocked').first().waitFor();
      expect(await panel.getByRole('button', { name: 'Refund…' }).isDisabled()).toBe(true);
      expect((await other.send<Ledger>('GET', `/orders/${placed.orderId}/payments`)).refundBlocked).toBe(true);

      await panel.getByRole('button', { name: 'Lift refund block…' }).click();
      const lift = page.getByRole('dialog', { name: 'Lift the refund block' });
      await lift.getByLabel('Reason').fill('dispute 4471 won');
      await lift.getByRole('button', { name: 'Lift block' }).click();
      await panel.getByRole('status').filter({ hasText: 'The refund block was lifted' }).waitFor();
      await expect.poll(() => panel.getByRole('button', { name: 'Refund…' }).isEnabled()).toBe(true);
      const history = page.getByRole('region', { name: 'History' });
      await history.getByText('dispute 4471 won').waitFor();
    });
    const after = await other.send<Ledger>('GET', `/orders/${placed.orderId}/payments`);
    expect(after.refundBlocked).toBe(false);
    await other.close();
  }, FLOWS_MS);

  it('approves an order in the Fraud Review queue: the card is charged and the order moves on', async () => {
    const other = await env.colleague();
    const held = await other.cardOrder({ fraudHold: true });
    expect(held.stage).toBe('fraud_review');

    await env.withPage('accounting', async (page) => {
      await page.goto(`${env.baseUrl}/fraud-review`);
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
    await env.withPage('accounting', async (page) => {
      await page.goto(`${env.baseUrl}/orders/${fraudster.orderId}`);
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
    const other = await env.colleague();
    const check = await other.placeOrder({ method: 'check', status: 'unprocessed' });
    const declined = await other.cardOrder({}, sandboxCard('declined: insufficient funds'));
    expect([check.stage, declined.stage]).toEqual(['accounts_receivable', 'accounts_receivable']);

    await env.withPage('accounting', async (page) => {
      await page.goto(`${env.baseUrl}/accounts-receivable`);
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
    const other = await env.colleague();
    await env.withPage('manager', async (page) => {
      await page.goto(`${env.baseUrl}/settings/fraud`);
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
      await other.send('PUT', '/fraud/settings', { ...current, threshold: 70, highRiskCountries: ['TV'] });
      await threshold.fill('80');
      await form.getByRole('button', { name: 'Save' }).click();
      const banner = form.getByRole('alert').filter({ hasText: 'Someone else changed these settings' });
      await banner.waitFor();
      await screenshot(page, 'fraud-settings');
      // The draft is kept: re-applied on their version, shown for review, then saved; their other change stays.
      expect(await threshold.inputValue()).toBe('80');
      await banner.getByRole('button', { name: 'Load their version and re-apply my changes' }).click();
      await form.getByRole('status').filter({ hasText: `Their version ${saved.version + 1} is loaded with your changes re-applied (threshold)` }).waitFor();
      await expect.poll(() => form.getByLabel('Hold at (points)').inputValue()).toBe('80');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      const latest = await other.send<{ threshold: number; version: number; highRiskCountries: string[] }>('GET', '/fraud/settings');
      expect(latest).toMatchObject({ threshold: 80, highRiskCountries: ['TV'], version: saved.version + 2 });

      // The changes list names both saves, newest first, after a refresh.
      const changes = page.getByRole('list', { name: 'Changes to the fraud rules' });
      await page.getByRole('region', { name: 'Changes' }).getByRole('button', { name: 'Refresh' }).click();
      await changes.getByText(`Changed the fraud rules (now version ${latest.version})`).waitFor();
      const lines = await changes.getByRole('listitem').allInnerTexts();
      expect(lines[0]).toContain(`now version ${latest.version}`);
      expect(lines[1]).toContain(`now version ${saved.version + 1}`);
      expect(lines[2]).toContain(`now version ${saved.version}`);
    });
    await other.close();
  }, FLOWS_MS);

  it('edits the card mode, the A/R retry schedule and the refund reasons; shows them read-only without settings:manage', async () => {
    const other = await env.colleague();
    await env.withPage('manager', async (page) => {
      await page.goto(env.baseUrl);
      await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL('**/settings/payments');
      const payments = page.getByRole('form', { name: 'Payments' });
      await payments.getByText('sandbox').waitFor();
      const connection = payments.getByLabel('Gateway connection');
      await connection.getByText(env.sandbox.url).waitFor();
      expect(await connection.textContent()).toContain('3 attempts of 2 s each');
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

    await env.withPage('accounting', async (page) => {
      expect(await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Settings' }).count()).toBe(0);
      await page.goto(`${env.baseUrl}/settings/ar-schedule`);
      const schedule = page.getByRole('form', { name: 'A/R retry schedule' });
      await schedule.getByLabel('Coupon percent on day 5').waitFor();
      await page.getByText('Changing them needs the settings:manage permission').waitFor();
      expect(await schedule.getByLabel('Coupon percent on day 5').isDisabled()).toBe(true);
      expect(await schedule.getByRole('button', { name: 'Save' }).count()).toBe(0);
    });
    await other.close();
  }, FLOWS_MS);
});

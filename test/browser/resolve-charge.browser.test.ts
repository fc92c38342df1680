import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SANDBOX_TEST_ACCOUNTS } from '../../src/payments/sandbox/test-cards.js';
import { describeInBrowser } from './harness.js';
import { type Colleague, FLOWS_MS, type Ledger, type OrderDto, type PaymentsBrowserEnv, startPaymentsBrowserEnv, usd } from './payments-env.js';

/*
 * Resolving a charge by hand in a real browser: "Record outcome…" on a ledger entry whose gateway answer
 * was lost, served with the sandbox gateway connected (see payments-env.ts). Expected values come from the
 * API or the database.
 */

/** A charge whose answer was lost, and the transaction id the gateway shows for it. */
interface LostECheck { placed: OrderDto; charge: Ledger['entries'][number]; transaction: string }

describeInBrowser('payments: recording the outcome of a lost charge', (dialect) => {
  let env: PaymentsBrowserEnv;

  beforeAll(async () => {
    env = await startPaymentsBrowserEnv(dialect);
  });
  afterAll(async () => {
    await env?.close();
  });

  /**
   * E-checks whose answers are lost: the sandbox takes each submission but never answers (its timeout
   * fault), and an e-check's account number is not kept to ask again, so each charge stays unknown. The
   * sandbox clears them meanwhile; those notifications name no payment of ours yet and are kept, ignored.
   * Each comes with the transaction id the gateway's dashboard (the sandbox's log) shows for it.
   */
  const lostEChecks = async (other: Colleague, count: number): Promise<LostECheck[]> => {
    env.sandbox.setFaults({ timeoutRate: 1 });
    let placed: OrderDto[];
    try {
      placed = await Promise.all(Array.from({ length: count }, () => other.placeOrder({
        method: 'e_check', echeck: { routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber: SANDBOX_TEST_ACCOUNTS.settles, accountType: 'checking' },
      })));
    } finally {
      env.sandbox.setFaults({});
    }
    await env.sandbox.notificationsIdle();
    return Promise.all(placed.map(async (order) => {
      expect(order.stage).toBe('accounts_receivable');
      const { entries } = await other.send<Ledger>('GET', `/orders/${order.orderId}/payments`);
      expect(entries).toEqual([expect.objectContaining({ kind: 'sale', status: 'unknown', gatewayReference: null })]);
      const transaction = env.sandbox.log().find((e) => e.operation === 'sale' && e.idempotencyKey?.includes(order.orderId))?.transaction;
      expect(transaction, `the sandbox took the e-check of ${order.orderId}`).toBeTruthy();
      return { placed: order, charge: entries[0]!, transaction: transaction! };
    }));
  };
  const ledgerRow = (page: Page, ledgerId: number) => page.getByRole('region', { name: 'Payment', exact: true })
    .getByRole('table', { name: 'Payment ledger' }).locator(`tr[data-ledger-id="${ledgerId}"]`);
  const historyLine = (page: Page, text: string) => page.getByRole('list', { name: 'Stage history' }).getByRole('listitem').filter({ hasText: text });

  it('records by hand that a lost e-check failed: outcome and note are required, then the row, the panel and the history follow', async () => {
    const other = await env.colleague();
    const { placed, charge } = (await lostEChecks(other, 1))[0]!;
    const note = 'Not on the gateway dashboard, checked 10:40';

    await env.withPage('accounting', async (page) => {
      await page.goto(`${env.baseUrl}/orders/${placed.orderId}`);
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
    const other = await env.colleague();
    const [lost, raced] = (await lostEChecks(other, 2)) as [LostECheck, LostECheck];
    const note = 'Found on the gateway dashboard, batch 0412';

    // Read-only staff see the entry but may not act on an order in Accounts Receivable.
    await env.withPage('read_only', async (page) => {
      await page.goto(`${env.baseUrl}/orders/${lost.placed.orderId}`);
      await ledgerRow(page, lost.charge.id).getByText('No answer yet', { exact: true }).waitFor();
      expect(await page.getByRole('button', { name: 'Record outcome…' }).count()).toBe(0);
    });

    await env.withPage('accounting', async (page) => {
      await page.goto(`${env.baseUrl}/orders/${lost.placed.orderId}`);
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
      await page.goto(`${env.baseUrl}/orders/${raced.placed.orderId}`);
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
});

import { randomUUID } from 'node:crypto';
import type { Trx } from '../../db/database.js';
import { lockOrderByNumber } from '../../orders/orders.repository.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';
import { dueOf } from '../ledger/ledger.mapper.js';
import { insertLedgerRow, listLedgerRows } from '../ledger/ledger.repository.js';
import { openAuthorizations } from '../ledger/payment-state.js';

/**
 * Stages whose order must not have its money taken: it has not passed fraud review or been accepted, or
 * it was cancelled (rejecting voids the authorization; one kept by a failed void must not be taken).
 */
const NOT_CAPTURABLE_IN: Partial<Record<string, string>> = {
  fraud_review: 'approve it in Fraud Review, which takes the payment',
  rejected: 'a rejected order is cancelled',
  quote_request: 'a quote is not an order yet',
  quote_sent: 'a quote is not an order yet',
};

/**
 * Writes a `started` capture of the order's open authorization (perform it after commit). One capture
 * settles an authorization and the gateway releases whatever it did not take, so the amount is what the
 * order owes (total − paid) as far as the authorization covers it: less would leave money owed that the
 * hold no longer secures, more would take beyond the order's total. To collect less, lower the order's
 * total first (edit its items or shipping). An authorization smaller than what is owed (the total rose
 * after it) is captured whole, and the order goes to Accounts Receivable for the rest (syncOrderPayment).
 * One capture at a time: a second request while one is in flight is refused instead of racing it.
 */
export async function startCapture(trx: Trx, orderNumber: string, amount: number | undefined, actor: string, now = Date.now()): Promise<number> {
  const order = await lockOrderByNumber(trx, orderNumber);
  if (!order) throw notFound('order', orderNumber);
  const notYet = NOT_CAPTURABLE_IN[order.stage];
  if (notYet) throw new AppError('transition_refused', `${orderNumber}: not captured while the order is in ${order.stage}: ${notYet}`);
  const rows = await listLedgerRows(trx, order.id);
  if (rows.some((r) => r.kind === 'capture' && (r.status === 'started' || r.status === 'unknown'))) {
    throw new AppError('conflict', `${orderNumber}: a capture is already in progress`);
  }
  const auth = openAuthorizations(rows)[0];
  if (!auth) throw new AppError('transition_refused', `${orderNumber}: no open authorization to capture (payment is ${order.payment_status})`);
  // The gateway finds the authorization by its reference; a storefront that reported none left nothing to capture against.
  if (auth.gateway_reference === null) {
    throw new AppError('transition_refused', `${orderNumber}: the authorization was reported without its gateway reference, so it can only be captured where it was made`);
  }
  const money = (n: number) => formatMoney(n, order.currency);
  const authorized = Number(auth.amount);
  const due = dueOf(order);
  if (due <= 0) {
    throw new AppError('conflict', `${orderNumber}: nothing is owed (paid ${money(Number(order.paid_total))} of ${money(Number(order.total))}); reject the order to release the authorization`);
  }
  const owed = Math.min(authorized, due);
  const value = amount ?? owed;
  if (value > authorized) throw invalid('/amount', `at most ${money(authorized)} is authorized`);
  if (value > due) throw invalid('/amount', `only ${money(due)} is owed on the order: capturing ${money(value)} would take more than its total`);
  if (value < owed) {
    throw invalid('/amount', `capture ${money(owed)}: a capture releases the rest of the authorization, so ${money(owed - value)} would stay owed with nothing held for it; if less is owed, lower the order's total first (edit its items or shipping)`);
  }
  return insertLedgerRow(trx, {
    order_id: order.id, kind: 'capture', amount: value, currency: order.currency, gateway: auth.gateway, parent_id: auth.id,
    idempotency_key: `capture:${orderNumber}:${randomUUID()}`, status: 'started', actor, created_at: now, next_attempt_at: now + 30_000,
  });
}

import { randomUUID } from 'node:crypto';
import type { Db, Trx } from '../../db/database.js';
import { transact } from '../../db/transact.js';
import type { StoredPayment } from '../../orders/orders.mapper.js';
import { findOrderByNumber, insertOrderHistory, lockOrderByNumber, updateOrderRow } from '../../orders/orders.repository.js';
import type { OrderRow } from '../../orders/orders.table.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';
import { staleVersion } from '../../shared/versioning.js';
import { OFFLINE_METHODS, type PaymentMethod } from '../../stages/stages.js';
import { findVaultCard } from '../../vault/vault.repository.js';
import { performLedgerOperation, retryDelayMs } from '../charge/ledger-operation.js';
import { dueOf } from '../ledger/ledger.mapper.js';
import { findLedgerRow, findLedgerRowByKey, insertLedgerRow, listLedgerRows } from '../ledger/ledger.repository.js';
import type { PaymentServices } from '../payment-services.js';
import { mapWithConcurrency } from './concurrency.js';
import { chargeInFlight } from './receivables.repository.js';

export interface RetryResult {
  orderId: string;
  result: 'approved' | 'declined' | 'pending' | 'unknown' | 'refused';
  /** The gateway's decline code, or the error code of a refusal. */
  code?: string;
  message?: string;
  stage?: string;
  paymentStatus?: string;
}

/** Refuses, naming why, an order that is not waiting in Accounts Receivable. */
export function assertInReceivables(order: OrderRow): void {
  if (order.stage !== 'accounts_receivable') {
    throw new AppError('transition_refused', `${order.order_number} is in ${order.stage}, not accounts_receivable: only orders waiting in Accounts Receivable are retried or marked paid`, { field: '/stage' });
  }
}

/**
 * Writes a `started` sale of the amount due on the order's vaulted card, or on `cardToken` (which then
 * becomes the order's card, audited). Perform it after commit. Refused while another charge of the
 * order is in flight. Every attempt has a key of its own: a retry is a new intent, not a replay.
 * `key`: the sale's idempotency key when the caller derives it from a request's Idempotency-Key (a
 * selection's retry): a sale already written under it is that attempt, answered instead of refused.
 */
export async function startRetry(
  trx: Trx, orderNumber: string, opts: { cardToken?: string | undefined; actor: string; gateway: string; now: number; key?: string | undefined },
): Promise<number> {
  const order = await lockOrderByNumber(trx, orderNumber);
  if (!order) throw notFound('order', orderNumber);
  // Read under the order's lock, so a racing twin of the same request waits for the first and finds its sale.
  const earlier = opts.key === undefined ? undefined : await findLedgerRowByKey(trx, opts.key);
  if (earlier && Number(earlier.order_id) === order.id) return Number(earlier.id);
  assertInReceivables(order);
  const open = chargeInFlight(await listLedgerRows(trx, order.id));
  if (open) throw new AppError('conflict', `${orderNumber}: a ${open.kind} of ${formatMoney(Number(open.amount), open.currency)} is still in flight (${open.status}, entry ${open.id}); wait for its outcome, or once the gateway has confirmed it, record it by hand (POST …/payments/${open.id}/resolve)`);
  const due = dueOf(order);
  if (due <= 0) throw new AppError('conflict', `${orderNumber}: nothing is due (paid ${order.paid_total} of ${order.total})`);
  const method = order.payment_method as PaymentMethod;
  if (method !== 'credit_card') {
    const how = OFFLINE_METHODS.has(method) ? 'mark it paid when the money arrives' : 'its payment details are not kept, so it cannot be charged again';
    throw new AppError('transition_refused', `${orderNumber} is paid by ${method}, not by card: ${how}`, { field: '/cardToken' });
  }
  const payment = JSON.parse(order.payment_json) as StoredPayment;
  const token = opts.cardToken ?? payment.card?.token;
  const card = token ? await findVaultCard(trx, token) : undefined;
  if (opts.cardToken && !card) throw invalid('/cardToken', 'no card with this token is in the vault; store the card first (POST /vault/cards)');
  if (!card) throw new AppError('conflict', `${orderNumber} has no saved card to charge: send the customer a payment request, or retry with a new card (cardToken)`, { field: '/cardToken' });
  if (card.token !== payment.card?.token) {
    const stored: StoredPayment = { ...payment, card: { token: card.token, brand: card.brand, last4: card.last4, expMonth: card.exp_month, expYear: card.exp_year } };
    if (!(await updateOrderRow(trx, order.id, order.version, { payment_json: JSON.stringify(stored), updated_at: opts.now }))) {
      throw staleVersion('order', { version: order.version, source: 'body' }, order.version + 1);
    }
    const was = payment.card ? `${payment.card.brand} ending ${payment.card.last4}` : 'no card';
    await insertOrderHistory(trx, {
      orderId: order.id, at: opts.now, actor: opts.actor, kind: 'updated', changes: ['payment.card'],
      reason: `card replaced for an Accounts Receivable retry: ${was} → ${card.brand} ending ${card.last4}`,
    });
  }
  return insertLedgerRow(trx, {
    order_id: order.id, kind: 'sale', amount: due, currency: order.currency, gateway: opts.gateway, status: 'started',
    idempotency_key: opts.key ?? `ar:${orderNumber}:retry:${randomUUID()}`, source_token: card.token, actor: opts.actor,
    reason: 'retried by Accounts Receivable', details_json: JSON.stringify({ arRetry: 'manual', due }),
    created_at: opts.now, next_attempt_at: opts.now + retryDelayMs(0),
  });
}

/** One retry from start to answer: the row committed, then the gateway asked, then the outcome applied. */
export async function retryOrderPayment(
  db: Db, services: PaymentServices, orderNumber: string, opts: { cardToken?: string | undefined; actor: string; now?: number; key?: string | undefined },
): Promise<RetryResult> {
  const now = opts.now ?? Date.now();
  const ledgerId = await transact(db, (trx) => startRetry(trx, orderNumber, { ...opts, gateway: services.gatewayName(), now }));
  await performLedgerOperation(db, services, ledgerId);
  return retryResultOf(db, orderNumber, ledgerId);
}

/** A retry's answer, read once its ledger row has the gateway's outcome (or once a keyed retry replays it). */
export async function retryResultOf(db: Db, orderNumber: string, ledgerId: number): Promise<RetryResult> {
  const [row, order] = await Promise.all([findLedgerRow(db, ledgerId), findOrderByNumber(db, orderNumber)]);
  const status = row?.status ?? 'unknown';
  return {
    orderId: orderNumber,
    result: status === 'approved' || status === 'declined' || status === 'pending' ? status : 'unknown',
    ...(row?.decline_code ? { code: row.decline_code } : {}),
    ...(row?.message ? { message: row.message } : {}),
    ...(order ? { stage: order.stage, paymentStatus: order.payment_status } : {}),
  };
}

/** The sale key of one order of a keyed selection retry: the same for every attempt of that request. */
export const selectionRetryKey = (orderNumber: string, batch: string): string => `ar:${orderNumber}:retry:${batch}`;

/**
 * The selection version: every order gets its own result, and a refusal or failure of one never fails
 * the others. A few at a time, so a 500-order selection neither floods the gateway nor takes minutes.
 * `batch`: set for a request with an Idempotency-Key; each order's sale is keyed from it, so running the
 * same selection again (a retry of a request that never answered) finishes its sales instead of charging
 * anew.
 */
export async function retrySelection(
  db: Db, services: PaymentServices, orderIds: readonly string[],
  opts: { actor: string; batch?: string | undefined; concurrency?: number; onError?: (orderId: string, error: unknown) => void },
): Promise<RetryResult[]> {
  return mapWithConcurrency([...new Set(orderIds)], opts.concurrency ?? 8, async (orderId) => {
    try {
      const key = opts.batch === undefined ? undefined : selectionRetryKey(orderId, opts.batch);
      return await retryOrderPayment(db, services, orderId, { actor: opts.actor, key });
    } catch (error) {
      if (error instanceof AppError) return { orderId, result: 'refused' as const, code: error.code, message: error.message };
      opts.onError?.(orderId, error);
      return { orderId, result: 'refused' as const, code: 'internal', message: 'the retry failed unexpectedly; see the server log' };
    }
  });
}

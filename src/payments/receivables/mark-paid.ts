import { randomUUID } from 'node:crypto';
import type { Trx } from '../../db/database.js';
import { lockOrderByNumber } from '../../orders/orders.repository.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';
import { OFFLINE_METHODS, type PaymentMethod } from '../../stages/stages.js';
import { type PaymentSync, syncOrderPayment } from '../charge/sync-order-payment.js';
import { dueOf } from '../ledger/ledger.mapper.js';
import { insertLedgerRow } from '../ledger/ledger.repository.js';
import { assertInReceivables } from './retry-payment.js';

export interface MarkPaidInput {
  reference: string;
  amount?: number | undefined;
  note?: string | undefined;
}

/**
 * Records money that arrived outside any gateway (a check, a wire, a paid purchase order) as an approved
 * `offline_payment` and re-derives the order in the same transaction, which routes it onward. Card and
 * e-check orders are charged (retry), never marked paid. A partial amount counts as a payment, as the
 * payment core counts every payment; the rest stays owed on the order's figures (total − paid).
 */
export async function markOrderPaid(trx: Trx, orderNumber: string, input: MarkPaidInput, actor: string, now: number): Promise<PaymentSync> {
  const order = await lockOrderByNumber(trx, orderNumber);
  if (!order) throw notFound('order', orderNumber);
  assertInReceivables(order);
  const method = order.payment_method as PaymentMethod;
  if (!OFFLINE_METHODS.has(method)) {
    throw new AppError('validation_failed', `${orderNumber} is paid by ${method}: only offline methods (${[...OFFLINE_METHODS].join(', ')}) are marked paid; retry the charge instead`);
  }
  const reference = input.reference.trim();
  if (!reference) throw invalid('/reference', 'the reference (check number, wire reference…) is required');
  const due = dueOf(order);
  if (due <= 0) throw new AppError('conflict', `${orderNumber}: nothing is due (paid ${order.paid_total} of ${order.total})`);
  const amount = input.amount ?? due;
  if (amount > due) throw invalid('/amount', `at most ${due} (${formatMoney(due, order.currency)}) is due`);
  await insertLedgerRow(trx, {
    order_id: order.id, kind: 'offline_payment', amount, currency: order.currency, gateway: 'offline', status: 'approved',
    idempotency_key: `offline:${orderNumber}:${randomUUID()}`, gateway_reference: reference, actor,
    reason: input.note?.trim() || `${method} payment received`, details_json: JSON.stringify({ method, reference, ...(input.note ? { note: input.note } : {}) }),
    created_at: now, resolved_at: now,
  });
  return syncOrderPayment(trx, order, actor, `${method} payment of ${formatMoney(amount, order.currency)} received (${reference})`, now);
}

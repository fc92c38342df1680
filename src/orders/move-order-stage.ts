import type { Trx } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import { together } from '../db/statement-batch.js';
import { enqueueEvents, type OutboxEvent } from '../outbox/outbox.repository.js';
import { type CardCharge, startCardOnFileCharge } from '../payments/charge/charge-card-on-file.js';
import { startVoidsOfOpenAuthorizations } from '../payments/charge/void-authorizations.js';
import { listLedgerRows } from '../payments/ledger/ledger.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { AppError, invalid } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';
import { checkStageMove } from '../stages/stage-machine.js';
import type { PaymentMethod, Stage } from '../stages/stages.js';
import { lockOrderForChange } from './order-lock.js';
import { type ExpectedVersion, staleVersion } from '../shared/versioning.js';
import { stageContextOf } from './orders.mapper.js';
import { adjustStageCount, insertOrderHistory, updateOrderRow } from './orders.repository.js';
import type { OrderRow, OrdersTable } from './orders.table.js';

export interface MoveStageInput {
  orderNumber: string;
  to: Stage;
  reason: string;
  expected?: ExpectedVersion | undefined;
  /** Throws when the actor may not act on orders in `from` (the source department decides). */
  authorize?: (from: Stage) => void;
  /** How the customer pays, given when the move is a sent quote's acceptance: the order stops claiming quote_request. */
  paymentMethod?: PaymentMethod | undefined;
  /** Reject an order holding money not refunded, knowingly (see refuseToKeepMoneyUnasked). */
  keepPayment?: boolean | undefined;
  /**
   * How cards are charged, for a release from Pre-ordered into Accounts Receivable: that is the payment
   * step (DOMAIN.md), so a card on file is charged at once rather than on the A/R schedule's next day.
   */
  charge?: CardCharge | undefined;
}

/**
 * The move staff ask for (the stage and reject endpoints): moveOrderStage, and a move to Rejected also
 * writes a void for each authorization still held, so a cancelled order keeps no money on hold and cannot
 * be captured; a release from Pre-ordered into Accounts Receivable writes the charge of the card on file.
 * Returns those ledger ids, to be performed after commit (performLedgerOperation).
 */
export async function moveOrderToStage(trx: Trx, input: MoveStageInput, actor: Actor, now = Date.now()): Promise<number[]> {
  const order = await moveOrderStage(trx, input, actor, now);
  if (input.to === 'rejected') {
    return startVoidsOfOpenAuthorizations(trx, order, { actor: actorLabel(actor), reason: input.reason, keyPrefix: 'reject' }, now);
  }
  if (order.stage === 'pre_ordered' && input.to === 'accounts_receivable' && input.charge) {
    const reason = `released from pre_ordered: ${input.reason}; charging the card on file`;
    const id = await startCardOnFileCharge(trx, order, await listLedgerRows(trx, order.id), reason, actorLabel(actor), now, input.charge);
    return id === undefined ? [] : [id];
  }
  return [];
}

/**
 * Moves an order to another stage if the stage table allows it, with history and event in the same
 * transaction. Returns the order's row as it was before the move.
 */
export async function moveOrderStage(trx: Trx, input: MoveStageInput, actor: Actor, now = Date.now()): Promise<OrderRow> {
  const row = await lockOrderForChange(trx, input.orderNumber, input.expected);
  const from = row.stage as Stage;
  input.authorize?.(from);
  const accepted = acceptedPaymentMethod(row, from, input);
  const check = checkStageMove(from, input.to, stageContextOf(row));
  if (!check.ok) {
    throw new AppError('transition_refused', `${row.order_number}: ${check.reason}`, { field: check.field, details: { allowed: check.allowed } });
  }
  if (input.to === 'rejected' && !input.keepPayment) refuseToKeepMoneyUnasked(row);
  await refuseWhilePaymentInFlight(trx, row);
  // A release from Pre-ordered settles its wait for stock: a payment that lands later sends the order on,
  // not back to Pre-ordered (routeAfterPaymentStep). An edit of its items recomputes the flag.
  const released = from === 'pre_ordered' && input.to !== 'hold' && input.to !== 'rejected' ? { has_preorder: 0 } : {};
  const patch = { ...released, ...(accepted ? { payment_method: accepted } : {}) };
  const events: OutboxEvent[] = accepted
    ? [{ topic: 'order.updated', aggregate: { type: 'order', id: row.order_number }, payload: { orderId: row.order_number, changes: ['payment.method'] } }]
    : [];
  await changeOrderStage(trx, row, input.to, input.reason, actorLabel(actor), now, patch, input.expected, events);
  if (accepted) {
    await insertOrderHistory(trx, {
      orderId: row.id, at: now, actor: actorLabel(actor), kind: 'updated', changes: ['payment.method'],
      reason: `the customer accepted the quote paying by ${accepted} (payment method ${row.payment_method} → ${accepted})`,
    });
  }
  return row;
}

/**
 * A rejected order is a cancelled sale, yet rejecting does not return money (a held authorization is voided,
 * a capture is not refunded): staff who reject a paid order without noticing keep a customer's money and
 * the customer is never told. So a reject of an order holding paid money not refunded is refused unless
 * the caller says it keeps the payment on purpose (refunded elsewhere, or later); refund then reject
 * (payments/refunds) is the usual way and passes it, having decided what to refund.
 */
function refuseToKeepMoneyUnasked(row: OrderRow): void {
  const held = Number(row.paid_total) - Number(row.refunded_total);
  if (held <= 0) return;
  throw new AppError('conflict',
    `${row.order_number}: ${formatMoney(held, row.currency)} was paid and has not been refunded: refund it first (refund then reject), or reject with keepPayment true to keep it knowingly`,
    { field: '/keepPayment', details: { heldAmount: held, currency: row.currency } });
}

/** A sent quote's acceptance leaves Quote Sent for the payment step, or for Fraud Review while a fraud hold stands. */
const isQuoteAcceptance = (from: Stage, to: Stage) => from === 'quote_sent' && (to === 'accounts_receivable' || to === 'fraud_review');

/**
 * The payment method an acceptance names (DOMAIN.md: Quote Sent is left when the customer accepts and pays).
 * Only an acceptance may name one: on any other move it would rewrite how an order is paid behind the
 * payment code's back. Without one the order keeps quote_request until a payment request's card replaces it.
 */
function acceptedPaymentMethod(row: OrderRow, from: Stage, input: MoveStageInput): PaymentMethod | undefined {
  if (input.paymentMethod === undefined) return undefined;
  if (!isQuoteAcceptance(from, input.to)) {
    throw invalid('/paymentMethod', `is given only when a sent quote is accepted (quote_sent → accounts_receivable or fraud_review), not on a move from ${from} to ${input.to}`);
  }
  return input.paymentMethod === row.payment_method ? undefined : input.paymentMethod;
}

/**
 * A charge, authorization or capture sent to the gateway and not answered yet (started, or unknown after a
 * timeout) will land on the order whatever stage it is in: moved to Rejected or Hold meanwhile, the order
 * would be paid with nothing voided or refunded. So a person's move waits for the answer (or for someone
 * to record it by hand); the payment code's own moves (changeOrderStage) are those answers and pass.
 *
 * Read after the lock, in a statement of its own: every writer of a started row locks the order first, so
 * this read sees any row committed before the lock was granted. Sent in the lock's statement (one round
 * trip), on PostgreSQL it would read the snapshot from before waiting for that lock, and miss exactly the
 * charge whose transaction it waited on.
 */
async function refuseWhilePaymentInFlight(trx: Trx, row: OrderRow): Promise<void> {
  const [open] = (await openPaymentQuery(trx, { orderId: row.id })).rows;
  if (!open) return;
  throw new AppError('conflict', `${row.order_number}: a payment is being taken (${open.kind} entry ${open.id}, ${open.status}): wait for the gateway's answer, or record its outcome`, { field: '/payment' });
}
/** One short range of payment_ledger_order_idx: an order has a handful of ledger rows. */
const openPaymentQuery = prepared((db, p: { orderId: number }) => db.selectFrom('payment_ledger').select(['id', 'kind', 'status'])
  .where('order_id', '=', p.orderId).where('kind', 'in', ['sale', 'authorize', 'capture']).where('status', 'in', ['started', 'unknown'])
  .orderBy('id').limit(1));

/**
 * The stage change itself — row, counts, history, event — for a move already decided: by a person through
 * the transition table above, or by the system (a payment outcome, a gateway notification) where the
 * table's hand-move rules do not apply. `patch` rides along in the same row update (e.g. payment figures),
 * and `events` are written after the stage's own event, in the same statement.
 */
export async function changeOrderStage(
  trx: Trx, row: OrderRow, to: Stage, reason: string, actor: string, now: number,
  patch: Partial<Omit<OrdersTable, 'id' | 'version'>> = {}, expected?: ExpectedVersion, events: readonly OutboxEvent[] = [],
): Promise<number> {
  const from = row.stage as Stage;
  const holdFrom = to === 'hold' ? from : null;
  // Until shipments are recorded on their own (tracking, packing slips), Shipping handing an order on to
  // Completed is its shipment: the time "shipped between" searches and the order's shippedAt show.
  const shipped = from === 'shipping_department' && to === 'completed_order' && row.shipped_at === null ? { shipped_at: now } : {};
  if (!(await updateOrderRow(trx, row.id, row.version, { ...patch, ...shipped, stage: to, stage_entered_at: now, hold_from_stage: holdFrom, updated_at: now }))) {
    throw staleVersion('order', expected ?? { version: row.version, source: 'body' }, row.version + 1);
  }
  // One round trip on PostgreSQL (db/statement-batch.ts). A move onto the same stage leaves the counts
  // alone: two parts of one statement must not change the same row.
  await together(trx, (t) => [
    from !== to ? adjustStageCount(t, from, -1) : undefined,
    from !== to ? adjustStageCount(t, to, 1) : undefined,
    insertOrderHistory(t, { orderId: row.id, at: now, actor, kind: 'stage', from, to, reason }),
    enqueueEvents(t, [{ topic: 'order.stage_changed', aggregate: { type: 'order', id: row.order_number }, payload: { orderId: row.order_number, from, to, reason } }, ...events], now),
  ] as const);
  return row.version + 1;
}

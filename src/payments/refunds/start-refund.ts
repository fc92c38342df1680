import type { Executor, Trx } from '../../db/database.js';
import { lockOrderForChange } from '../../orders/order-lock.js';
import { stageContextOf } from '../../orders/orders.mapper.js';
import { findOrderByNumber, insertOrderHistory, listOrderItems, updateOrderRow } from '../../orders/orders.repository.js';
import type { OrderRow } from '../../orders/orders.table.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';
import { type ExpectedVersion, staleVersion } from '../../shared/versioning.js';
import { checkStageMove } from '../../stages/stage-machine.js';
import type { Stage } from '../../stages/stages.js';
import { syncOrderPayment } from '../charge/sync-order-payment.js';
import { refundableOf } from '../ledger/ledger.mapper.js';
import { insertLedgerRow, listLedgerRows } from '../ledger/ledger.repository.js';
import type { LedgerRow } from '../ledger/ledger.table.js';
import { calculateRefund, type RefundableOrder, type RefundBreakdown, type RefundRequest } from './refund-calculation.js';
import { adjustRefundedQuantities, refundDetailsOf, type RefundDetails, refundedExtras, refundInFlight, unrefundedByCharge } from './refund-ledger.js';

export interface RefundCommand extends RefundRequest {
  orderNumber: string;
  /** Already checked against the configured list. */
  reason: string;
  method: 'gateway' | 'external';
  externalReference?: string | undefined;
  rejectAfter?: boolean | undefined;
  expected?: ExpectedVersion | undefined;
  /** Same id → same ledger rows (their idempotency keys are made from it). */
  refundId: string;
  /**
   * A retry whose Idempotency-Key matched the first request (http/idempotency.ts) and whose first attempt
   * committed: finish that refund (its rows) instead of refusing the id as already used.
   */
  resume?: boolean | undefined;
  /** Runs in the refund's transaction once its rows are written: stores the request's Idempotency-Key with it. */
  recordKey?: ((trx: Trx) => Promise<void>) | undefined;
  actor: string;
  /** Throws when the actor may not move orders out of `from` (checked up front for "refund then reject"). */
  authorizeReject?: (from: Stage) => void;
}

export interface StartedRefund {
  orderNumber: string;
  breakdown: RefundBreakdown;
  /** The rows this refund wrote; gateway rows are `started` and must be performed after commit. */
  ledgerIds: number[];
  replayed: boolean;
}

/**
 * The order as a refund calculation sees it: its lines, shipping, tax split and what is refunded already.
 * What may be refunded is the ledger view's figure (refundableOf): net of refunds still waiting for the
 * gateway, so money already on its way back is never offered (or previewed) a second time.
 */
export async function refundableOrderOf(db: Executor, order: OrderRow, rows: readonly LedgerRow[]): Promise<RefundableOrder> {
  const items = await listOrderItems(db, order.id);
  const lineTax = items.reduce((sum, i) => sum + Number(i.tax), 0);
  const extras = refundedExtras(rows);
  return {
    lines: items.map((i) => ({
      lineNo: i.line_no, quantity: i.quantity, unitPrice: Number(i.unit_price), discount: Number(i.discount), tax: Number(i.tax), quantityRefunded: i.quantity_refunded,
    })),
    shippingTotal: Number(order.shipping_total),
    shippingTax: Math.max(0, Number(order.tax_total) - lineTax), // computeSummary: tax_total = shipping tax + Σ line tax
    shippingRefunded: extras.shipping,
    extraTaxRefunded: extras.extraTax,
    refundable: refundableOf(order, rows),
    currency: order.currency,
  };
}

/** What a refund would return, without moving money or locking anything (the refund dialog's preview). */
export async function previewRefund(db: Executor, orderNumber: string, request: RefundRequest): Promise<RefundBreakdown> {
  const order = await findOrderByNumber(db, orderNumber);
  if (!order) throw notFound('order', orderNumber);
  refuseBlocked(order);
  return calculateRefund(await refundableOrderOf(db, order, await listLedgerRows(db, order.id)), request);
}

/**
 * Step one of a refund, in the caller's transaction: lock the order, check it may be refunded, compute
 * the refund and write it. An external refund is recorded approved and the order re-derived at once; a
 * gateway refund is written `started`, one row per charge it draws on, with its units reserved on the
 * lines so a concurrent refund cannot take them too — the caller performs the rows after commit.
 */
export async function startRefund(trx: Trx, cmd: RefundCommand, now = Date.now()): Promise<StartedRefund> {
  const order = await lockOrderForChange(trx, cmd.orderNumber, cmd.expected);
  const rows = await listLedgerRows(trx, order.id);
  const earlier = rows.filter((r) => refundDetailsOf(r)?.refundId === cmd.refundId);
  if (earlier.length) {
    // Only a key the idempotency store vouched for (same request) may pick the refund up again. Otherwise the
    // key's record is gone (kept 7 days) or a racing twin committed first: refused, and runIdempotently then
    // answers a twin from the stored record, or this 422 stands — the refund is never made twice.
    if (!cmd.resume) throw new AppError('idempotency_key_reused', `${order.order_number}: this Idempotency-Key already made refund ${cmd.refundId}; send a new key for a new refund`, { field: 'Idempotency-Key' });
    return replayOf(order, rows, earlier);
  }
  refuseBlocked(order);
  if (refundInFlight(rows)) throw new AppError('conflict', `${order.order_number}: another refund is still waiting for the gateway's answer; try again when it is settled`);
  if (cmd.rejectAfter) checkCanReject(order, cmd);
  if (cmd.method === 'external' && !cmd.externalReference) throw invalid('/externalReference', 'an external refund needs the reference of the refund made elsewhere');

  const breakdown = calculateRefund(await refundableOrderOf(trx, order, rows), cmd);
  const details: Omit<RefundDetails, 'share'> = {
    refundId: cmd.refundId, items: breakdown.lines, shipping: breakdown.shipping, shippingTax: breakdown.shippingTax, tax: breakdown.tax,
    total: breakdown.total, custom: cmd.amount !== undefined, ...(cmd.rejectAfter ? { rejectAfter: true } : {}),
  };
  const note = describeRefund(order, breakdown, cmd);
  await adjustRefundedQuantities(trx, order.id, breakdown.lines, 1);
  const common = { order_id: order.id, currency: order.currency, actor: cmd.actor, reason: cmd.reason, created_at: now };

  if (cmd.method === 'external') {
    const id = await insertLedgerRow(trx, {
      ...common, kind: 'external_refund', amount: breakdown.total, gateway: 'external', idempotency_key: `external_refund:${order.order_number}:${cmd.refundId}`,
      status: 'approved', gateway_reference: cmd.externalReference ?? null, resolved_at: now, details_json: JSON.stringify({ ...details, share: breakdown.total }),
    });
    await syncOrderPayment(trx, order, cmd.actor, `${note} (recorded; refunded outside Orderdeck, ${cmd.externalReference})`, now);
    await cmd.recordKey?.(trx);
    return { orderNumber: order.order_number, breakdown, ledgerIds: [id], replayed: false };
  }

  const ledgerIds: number[] = [];
  for (const [i, part] of splitOverCharges(rows, breakdown.total).entries()) {
    ledgerIds.push(await insertLedgerRow(trx, {
      ...common, kind: 'refund', amount: part.amount, gateway: part.charge.gateway, parent_id: part.charge.id, status: 'started',
      idempotency_key: `refund:${order.order_number}:${cmd.refundId}:${i}`, next_attempt_at: now + 30_000,
      details_json: JSON.stringify({ ...details, share: part.amount }),
    }));
  }
  await insertOrderHistory(trx, { orderId: order.id, at: now, actor: cmd.actor, kind: 'payment', reason: `${note}; sent to the gateway` });
  // Its lines changed (units reserved): a person editing the order from an older copy must reload.
  if (!(await updateOrderRow(trx, order.id, order.version, { updated_at: now }))) throw staleVersion('order', cmd.expected ?? { version: order.version, source: 'body' }, order.version + 1);
  await cmd.recordKey?.(trx);
  return { orderNumber: order.order_number, breakdown, ledgerIds, replayed: false };
}

/**
 * Newest charge first: a later charge (an Accounts Receivable retry, a capture) is the one the card
 * network is least likely to consider too old to refund. Offline payments (check, wire) cannot go back
 * through the gateway, nor can a payment the storefront reported without its gateway reference (the
 * gateway needs it to find the transaction): money they brought in can only be recorded as an external
 * refund, and saying so now beats a refund that the gateway declines after the fact.
 */
export function splitOverCharges(rows: readonly LedgerRow[], total: number): { charge: LedgerRow; amount: number }[] {
  const left = unrefundedByCharge(rows);
  const refundable = (r: LedgerRow) => r.kind !== 'offline_payment' && r.gateway_reference !== null;
  const charges = rows.filter((r) => left.has(r.id) && refundable(r)).sort((a, b) => b.id - a.id);
  const parts: { charge: LedgerRow; amount: number }[] = [];
  let remaining = total;
  for (const charge of charges) {
    const amount = Math.min(remaining, left.get(charge.id)!);
    if (amount <= 0) continue;
    parts.push({ charge, amount });
    remaining -= amount;
    if (remaining === 0) return parts;
  }
  const stuck = rows.filter((r) => !refundable(r) && (left.get(r.id) ?? 0) > 0);
  throw invalid('/method', stuck.some((r) => r.kind === 'offline_payment')
    ? `${remaining} of this refund was paid offline (check, wire…) and cannot go back through the gateway; record it as an external refund`
    : stuck.length > 0
      ? `${remaining} of this refund was paid without a gateway reference on record (reported by the storefront), so the gateway cannot find it; record it as an external refund`
      : `the gateway charges of this order have only ${total - remaining} left to refund; record the rest as an external refund`);
}

function refuseBlocked(order: OrderRow): void {
  if (order.refund_blocked === 1) throw new AppError('conflict', `${order.order_number}: refunds are blocked while a chargeback is open`);
}

function checkCanReject(order: OrderRow, cmd: RefundCommand): void {
  const from = order.stage as Stage;
  cmd.authorizeReject?.(from);
  const check = checkStageMove(from, 'rejected', stageContextOf(order));
  if (!check.ok) throw new AppError('transition_refused', `${order.order_number}: cannot refund then reject: ${check.reason}`, { field: '/rejectAfter', details: { allowed: check.allowed } });
}

function replayOf(order: OrderRow, ledger: readonly LedgerRow[], rows: LedgerRow[]): StartedRefund {
  const d = refundDetailsOf(rows[0]!)!;
  const breakdown: RefundBreakdown = {
    lines: d.items, shipping: d.shipping, shippingTax: d.shippingTax, tax: d.tax, total: d.total,
    computed: d.items.reduce((s, l) => s + l.amount, 0) + d.shipping + d.shippingTax + d.tax, refundable: refundableOf(order, ledger),
  };
  return { orderNumber: order.order_number, breakdown, ledgerIds: rows.map((r) => r.id), replayed: true };
}

function describeRefund(order: OrderRow, b: RefundBreakdown, cmd: RefundCommand): string {
  const money = (n: number) => formatMoney(n, order.currency);
  const parts = [
    ...b.lines.map((l) => `${l.quantity} × line ${l.lineNo} (${money(l.amount)})`),
    ...(b.shipping ? [`shipping ${money(b.shipping + b.shippingTax)}`] : []),
    ...(b.tax ? [`tax ${money(b.tax)}`] : []),
  ];
  const what = parts.length ? parts.join(', ') : 'an amount';
  const custom = cmd.amount !== undefined && cmd.amount !== b.computed ? `, custom amount instead of ${money(b.computed)}` : '';
  return `refund of ${money(b.total)} for ${what}${custom} — reason: ${cmd.reason}`;
}

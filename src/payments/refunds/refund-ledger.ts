import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';
import { insertOrderHistory } from '../../orders/orders.repository.js';
import { listLedgerRows } from '../ledger/ledger.repository.js';
import type { LedgerRow, LedgerStatus } from '../ledger/ledger.table.js';

/**
 * What one refund request returns, stored in `details_json` of each ledger row it wrote. A gateway refund
 * split over several charges writes one row per charge, all with the same `refundId` and the whole
 * breakdown; `share` is the row's part of `total`.
 */
export interface RefundDetails {
  refundId: string;
  items: { lineNo: number; quantity: number; amount: number }[];
  shipping: number;
  shippingTax: number;
  tax: number;
  total: number;
  /** The total was given by a person rather than computed. */
  custom: boolean;
  share: number;
  rejectAfter?: boolean;
}

const RETURNS: ReadonlySet<LedgerRow['kind']> = new Set(['refund', 'external_refund']);
const GONE: ReadonlySet<LedgerStatus> = new Set(['declined', 'failed']);
const OPEN: ReadonlySet<LedgerStatus> = new Set(['started', 'unknown', 'pending']);

export function refundDetailsOf(row: Pick<LedgerRow, 'kind' | 'details_json'>): RefundDetails | undefined {
  if (!RETURNS.has(row.kind) || !row.details_json) return undefined;
  const d = JSON.parse(row.details_json) as Partial<RefundDetails>;
  return typeof d.refundId === 'string' ? (d as RefundDetails) : undefined;
}

/** A refund request still holds what it refunds (units, shipping, tax) unless every row of it was declined. */
export function liveRefunds(rows: readonly LedgerRow[]): Map<string, RefundDetails> {
  const groups = new Map<string, { details: RefundDetails; live: boolean }>();
  for (const row of rows) {
    const details = refundDetailsOf(row);
    if (!details) continue;
    const group = groups.get(details.refundId) ?? { details, live: false };
    group.live ||= !GONE.has(row.status);
    groups.set(details.refundId, group);
  }
  return new Map([...groups].filter(([, g]) => g.live).map(([id, g]) => [id, g.details]));
}

/** Shipping and extra tax refunded so far (or being refunded): the quantities live on order_items. */
export function refundedExtras(rows: readonly LedgerRow[]): { shipping: number; extraTax: number } {
  let shipping = 0;
  let extraTax = 0;
  for (const d of liveRefunds(rows).values()) {
    shipping += d.shipping;
    extraTax += d.tax;
  }
  return { shipping, extraTax };
}

export const refundInFlight = (rows: readonly LedgerRow[]): boolean => rows.some((r) => RETURNS.has(r.kind) && OPEN.has(r.status));

/** What refunds still waiting for the gateway's answer are sending back. */
export const refundsInFlightTotal = (rows: readonly LedgerRow[]): number =>
  rows.reduce((sum, r) => sum + (RETURNS.has(r.kind) && OPEN.has(r.status) ? Number(r.amount) : 0), 0);

/**
 * Money still held on each charge: its amount less the refunds (approved or in flight) and chargebacks
 * pointing at it — a charged-back charge has nothing left to refund. `settledOnly` counts approved refunds
 * only: what the gateway itself still holds, against which a chargeback is checked.
 */
export function unrefundedByCharge(rows: readonly LedgerRow[], opts: { settledOnly?: boolean } = {}): Map<number, number> {
  const left = new Map<number, number>();
  for (const r of rows) if ((r.kind === 'sale' || r.kind === 'capture' || r.kind === 'offline_payment') && r.status === 'approved') left.set(Number(r.id), Number(r.amount));
  for (const r of rows) {
    const counts = r.kind === 'chargeback' ? r.status === 'approved' : r.kind === 'refund' && (opts.settledOnly ? r.status === 'approved' : !GONE.has(r.status));
    if (counts && r.parent_id !== null && left.has(Number(r.parent_id))) {
      left.set(Number(r.parent_id), left.get(Number(r.parent_id))! - Number(r.amount));
    }
  }
  return left;
}

/** Adds (reserve) or subtracts (release) a refund's units on its order's lines. */
export async function adjustRefundedQuantities(trx: Trx, orderId: number, items: RefundDetails['items'], sign: 1 | -1): Promise<void> {
  for (const item of items) {
    await trx.updateTable('order_items').set({ quantity_refunded: sql<number>`quantity_refunded + ${sign * item.quantity}` })
      .where('order_id', '=', orderId).where('line_no', '=', item.lineNo).execute();
  }
}

/**
 * Called in the transaction that resolves a gateway refund row, right after it is resolved (the order is
 * locked). When the gateway refused it and no other row of the same request still stands, the units the
 * request reserved are given back, so they can be refunded again; its shipping and tax are freed by the
 * same rule in `liveRefunds`.
 */
export async function releaseDeclinedRefund(trx: Trx, row: LedgerRow, status: LedgerStatus, now: number): Promise<void> {
  const details = refundDetailsOf(row);
  if (!details || !GONE.has(status)) return;
  const rows = await listLedgerRows(trx, Number(row.order_id));
  if (liveRefunds(rows).has(details.refundId)) return;
  await adjustRefundedQuantities(trx, Number(row.order_id), details.items, -1);
  if (details.items.length) {
    const units = details.items.map((i) => `${i.quantity} × line ${i.lineNo}`).join(', ');
    await insertOrderHistory(trx, { orderId: Number(row.order_id), at: now, actor: row.actor, kind: 'payment', reason: `refund not made; ${units} may be refunded again` });
  }
}

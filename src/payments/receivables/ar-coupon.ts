import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';
import { noteOrderTotalChanged } from '../../dashboard/daily-figures.js';
import { computeSummary } from '../../orders/order-totals.js';
import { insertOrderHistory, listOrderItems, updateOrderRow } from '../../orders/orders.repository.js';
import type { OrderItemRow, OrderRow } from '../../orders/orders.table.js';
import { enqueueEvent } from '../../outbox/outbox.repository.js';
import { formatMoney } from '../../shared/money.js';
import { staleVersion } from '../../shared/versioning.js';
import type { LedgerRow } from '../ledger/ledger.table.js';
import { prorate } from '../refunds/refund-calculation.js';

/** A retry schedule coupon as stored on its sale (`details.coupon`). */
export interface SaleCoupon {
  amountOff: number;
  couponAmount?: number;
  couponCurrency?: string;
  couponPercent?: number;
  /**
   * Set on coupons that become the order's discount once the sale is approved. Sales written before
   * that left the order's totals as sold, and the payment state counts their coupon as conceded instead.
   */
  onOrder?: boolean;
}

export function saleCouponOf(row: Pick<LedgerRow, 'kind' | 'details_json'>): SaleCoupon | undefined {
  if (row.kind !== 'sale' || !row.details_json?.includes('"coupon"')) return undefined;
  return (JSON.parse(row.details_json) as { coupon?: SaleCoupon }).coupon;
}

type DiscountableLine = Pick<OrderItemRow, 'line_no' | 'quantity' | 'unit_price' | 'discount' | 'quantity_refunded'>;

/**
 * What a coupon may still take off a line: its value less its discount. A coupon is money off the goods,
 * never off shipping or tax, and never off a line with units refunded already (their refunds were
 * computed from the line as it was, and a changed line would no longer add up to them).
 */
const roomOf = (l: DiscountableLine): number => (l.quantity_refunded > 0 ? 0 : l.quantity * Number(l.unit_price) - Number(l.discount));

/** The most a coupon can take off these lines. */
export const couponRoom = (lines: readonly DiscountableLine[]): number => lines.reduce((sum, l) => sum + roomOf(l), 0);

/**
 * `off` (at most the room) spread over the lines in proportion to what each may still take, with
 * cumulative rounding, so the parts add up to exactly the amount taken and none exceeds its line.
 */
export function spreadCoupon(off: number, lines: readonly DiscountableLine[]): { lineNo: number; amount: number }[] {
  const whole = couponRoom(lines);
  const take = Math.max(0, Math.min(off, whole));
  const parts: { lineNo: number; amount: number }[] = [];
  let before = 0;
  for (const line of lines) {
    const room = roomOf(line);
    if (room <= 0) continue;
    const amount = prorate(take, before + room, whole) - prorate(take, before, whole);
    before += room;
    if (amount > 0) parts.push({ lineNo: line.line_no, amount });
  }
  return parts;
}

/**
 * In the transaction that records a scheduled sale as approved: its coupon becomes part of the order's
 * discount, spread over the lines, and the total is recomputed by the one summary function, so the order
 * is paid in full and a full refund returns exactly what was paid. A declined sale changes nothing: the
 * coupon was offered for paying that day. Returns the order as it now stands (its version moved on).
 */
export async function applySaleCoupon(trx: Trx, order: OrderRow, row: LedgerRow, now: number): Promise<OrderRow> {
  const coupon = saleCouponOf(row);
  if (!coupon?.onOrder) return order;
  const items = await listOrderItems(trx, order.id);
  // The lines were capped to fit when the sale was written; an edit while it was in flight may have
  // shrunk them, and whatever no longer fits stays owed for Accounts Receivable to collect.
  const parts = spreadCoupon(coupon.amountOff, items);
  if (!parts.length) return order;
  const partOf = new Map(parts.map((p) => [p.lineNo, p.amount]));
  for (const p of parts) {
    await trx.updateTable('order_items').set({ discount: sql<number>`discount + ${p.amount}` })
      .where('order_id', '=', order.id).where('line_no', '=', p.lineNo).execute();
  }
  const lineTax = items.reduce((sum, i) => sum + Number(i.tax), 0);
  const summary = computeSummary(
    items.map((i) => ({ quantity: i.quantity, unitPrice: Number(i.unit_price), discount: Number(i.discount) + (partOf.get(i.line_no) ?? 0), tax: Number(i.tax) })),
    Number(order.shipping_total), Number(order.tax_total) - lineTax, Number(order.refunded_total),
  );
  const patch = { subtotal: summary.subtotal, discount_total: summary.discount, tax_total: summary.tax, total: summary.total, updated_at: now };
  if (!(await updateOrderRow(trx, order.id, order.version, patch))) throw staleVersion('order', { version: order.version, source: 'body' }, order.version + 1);
  if (summary.total !== Number(order.total)) await noteOrderTotalChanged(trx, order.created_at, now);

  const money = (n: number) => formatMoney(n, order.currency);
  const taken = parts.reduce((sum, p) => sum + p.amount, 0);
  const what = coupon.couponPercent !== undefined ? `${coupon.couponPercent}% coupon` : 'coupon';
  await insertOrderHistory(trx, {
    orderId: order.id, at: now, actor: row.actor, kind: 'updated', changes: ['items', 'discount', 'total'],
    reason: `${row.reason ?? 'A/R retry'}: the ${what} of ${money(taken)} is now part of the order's discount `
      + `(${parts.map((p) => `line ${p.lineNo} ${money(p.amount)}`).join(', ')}); total ${money(Number(order.total))} → ${money(summary.total)}`,
  });
  await enqueueEvent(trx, 'order.updated', { type: 'order', id: order.order_number }, { orderId: order.order_number, changes: ['items', 'discount', 'total'] }, now);
  return { ...order, ...patch, version: order.version + 1 };
}

import { lineNet, prorate } from '../payments/refunds/refund-calculation.js';
import { AppError } from '../shared/errors.js';
import type { ResolvedItem } from './order-items.js';
import type { OrderItemRow } from './orders.table.js';

type Line = Pick<OrderItemRow, 'line_no' | 'sku' | 'quantity' | 'unit_price' | 'discount' | 'tax' | 'quantity_shipped' | 'quantity_refunded'>;

/**
 * The lines an item edit writes, with what already happened to each line carried over: units refunded
 * (or being refunded) and units shipped are facts about money and parcels, not input, so an edit may
 * never erase them — a forgotten refund would let the same unit be refunded twice.
 *
 * A PATCH names its lines by position (item `i` is line `i + 1`) and SKU. Refunds name the line by its
 * number (the ledger's refund details, a declined refund's release, the history text), so a line with
 * refunded or shipped units keeps its number and its SKU: an edit that removes it, renumbers it (by
 * dropping a line before it) or puts another SKU in its place is refused (409) rather than guessed at.
 * Its quantity may not go below the units refunded or shipped, and refunded units keep what they were
 * worth: the refunds of a line are slices of its net value (`prorate`), which add up to what was paid
 * only while the share of the refunded units stays what it was refunded at. So price, discount and tax
 * may change (say, with the quantity) only in a way that leaves the refunded units' share unchanged.
 * Lines without such facts are free to change, and new lines may be added after them.
 */
export function carryLineFacts(current: readonly Line[], next: readonly ResolvedItem[]): ResolvedItem[] {
  const byLine = new Map(next.map((item, i) => [item.line_no, { item, i }]));
  for (const old of current) {
    const refunded = old.quantity_refunded;
    const shipped = old.quantity_shipped;
    if (refunded <= 0 && shipped <= 0) continue;
    const label = `line ${old.line_no} (${old.sku})`;
    const facts = [refunded > 0 && `${units(refunded)} refunded`, shipped > 0 && `${units(shipped)} shipped`].filter(Boolean).join(' and ');
    const match = byLine.get(old.line_no);
    if (!match) {
      throw notEditable('/items', next.some((item) => item.sku === old.sku)
        ? `${label} has ${facts}, recorded against line ${old.line_no}: it must stay item ${old.line_no - 1} of the list, so the lines before it cannot be removed`
        : `${label} has ${facts} and cannot be removed`);
    }
    const { item, i } = match;
    if (item.sku !== old.sku) {
      throw notEditable(`/items/${i}/sku`, `${label} has ${facts}: item ${i} must stay ${old.sku} (lines are matched by position), not ${item.sku}`);
    }
    const floor = Math.max(refunded, shipped);
    if (item.quantity < floor) {
      const what = refunded >= shipped ? 'refunded' : 'shipped';
      throw notEditable(`/items/${i}/quantity`, `${units(floor)} of ${label} ${floor === 1 ? 'is' : 'are'} ${what}: the quantity cannot go below ${floor}, not ${item.quantity}`);
    }
    if (refunded > 0) checkRefundedShare(old, item, i, label);
  }
  return next.map((item) => {
    const old = current.find((l) => l.line_no === item.line_no && l.sku === item.sku);
    return old ? { ...item, quantity_refunded: old.quantity_refunded, quantity_shipped: old.quantity_shipped } : item;
  });
}

function checkRefundedShare(old: Line, item: ResolvedItem, i: number, label: string): void {
  const before = amounts(old);
  const after = amounts(item);
  const n = old.quantity_refunded;
  const sameNet = prorate(lineNet(before), n, before.quantity) === prorate(lineNet(after), n, after.quantity);
  const sameTax = prorate(before.tax, n, before.quantity) === prorate(after.tax, n, after.quantity);
  if (sameNet && sameTax) return;
  const field = before.unitPrice !== after.unitPrice ? 'unitPrice' : !sameTax ? 'tax' : 'discount';
  throw notEditable(`/items/${i}/${field}`,
    `${units(n)} of ${label} ${n === 1 ? 'was' : 'were'} refunded at their share of the line; this ${field} would change what they are worth`);
}

const amounts = (l: Pick<Line, 'quantity' | 'unit_price' | 'discount' | 'tax'>) => ({
  quantity: l.quantity, unitPrice: Number(l.unit_price), discount: Number(l.discount ?? 0), tax: Number(l.tax ?? 0),
});

const units = (n: number) => `${n} unit${n === 1 ? '' : 's'}`;
const notEditable = (field: string, message: string) => new AppError('not_editable', message, { field });

import { AppError, invalid } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';

/** An order line as a refund sees it: what was sold and how many units are already refunded (or being refunded). */
export interface RefundableLine {
  lineNo: number;
  quantity: number;
  unitPrice: number;
  /** Discount on the whole line. */
  discount: number;
  /** Tax on the whole line. */
  tax: number;
  quantityRefunded: number;
}

export interface RefundableOrder {
  lines: readonly RefundableLine[];
  shippingTotal: number;
  /** The order's tax not on any line: `tax_total − Σ line tax` (see computeSummary). */
  shippingTax: number;
  /** Shipping cost refunded so far (its tax share follows it). */
  shippingRefunded: number;
  /** Tax refunded so far beyond what lines and shipping carried. */
  extraTaxRefunded: number;
  /** Money that may still go back: paid less refunded (0 while refunds are blocked). */
  refundable: number;
  /** For the messages: amounts are shown as money ("$4.95") to the person who typed them as money. */
  currency?: string | undefined;
}

export interface RefundRequest {
  items?: readonly { lineNo: number; quantity: number }[] | undefined;
  /** Shipping cost to refund, minor units; its share of the shipping tax is added. */
  shipping?: number | undefined;
  /** Tax to refund on top of what the items and shipping carry (a tax correction). */
  tax?: number | undefined;
  /** A custom amount instead of the computed one; items and shipping are still recorded as refunded. */
  amount?: number | undefined;
}

export interface RefundBreakdown {
  lines: { lineNo: number; quantity: number; amount: number }[];
  shipping: number;
  shippingTax: number;
  tax: number;
  /** What the items, shipping and tax add up to. */
  computed: number;
  /** What is refunded: `amount` when given, else `computed`. */
  total: number;
  /** What could be refunded before this refund. */
  refundable: number;
}

/**
 * `value × part / whole`, rounded half-even, exactly (BigInt: `value × part` may pass 2^53).
 * Refunds use it cumulatively — the share of the first `done + k` units less the share of the first
 * `done` — so refunding every unit, in any number of steps, adds up to exactly `value`.
 */
export function prorate(value: number, part: number, whole: number): number {
  if (whole <= 0 || part <= 0) return 0;
  if (part >= whole) return value;
  const n = BigInt(value) * BigInt(part);
  const d = BigInt(whole);
  const q = n / d;
  const twice = (n % d) * 2n;
  const up = twice > d || (twice === d && q % 2n === 1n);
  return Number(up ? q + 1n : q);
}

const slice = (value: number, done: number, more: number, whole: number) => prorate(value, done + more, whole) - prorate(value, done, whole);
export const lineNet = (l: Pick<RefundableLine, 'quantity' | 'unitPrice' | 'discount' | 'tax'>) => l.quantity * l.unitPrice - l.discount + l.tax;

/** Tax already given back: the line and shipping shares of what was refunded, plus extra tax. */
export function taxRefundedOf(order: RefundableOrder): number {
  const lines = order.lines.reduce((sum, l) => sum + prorate(l.tax, l.quantityRefunded, l.quantity), 0);
  return lines + prorate(order.shippingTax, order.shippingRefunded, order.shippingTotal) + order.extraTaxRefunded;
}

/**
 * What a refund returns, computed without touching anything. Refuses (400 naming the field) a line that
 * is not on the order, more units than are left, more shipping or tax than is left, a refund of nothing,
 * and anything beyond what may still be refunded.
 */
export function calculateRefund(order: RefundableOrder, request: RefundRequest): RefundBreakdown {
  const byLine = new Map(order.lines.map((l) => [l.lineNo, l]));
  const seen = new Set<number>();
  const lines: RefundBreakdown['lines'] = [];
  /** The tax each refunded line carries, index for index with `lines`. */
  const lineTaxes: number[] = [];
  (request.items ?? []).forEach((item, i) => {
    const line = byLine.get(item.lineNo);
    if (!line) throw invalid(`/items/${i}/lineNo`, `the order has no line ${item.lineNo}`);
    if (seen.has(item.lineNo)) throw invalid(`/items/${i}/lineNo`, `line ${item.lineNo} is listed twice`);
    seen.add(item.lineNo);
    const left = line.quantity - line.quantityRefunded;
    if (!Number.isInteger(item.quantity) || item.quantity < 0) throw invalid(`/items/${i}/quantity`, 'the quantity must be a whole number ≥ 0');
    if (item.quantity > left) throw invalid(`/items/${i}/quantity`, `line ${item.lineNo}: ${left} of ${line.quantity} left to refund, not ${item.quantity}`);
    if (item.quantity === 0) return;
    lines.push({ lineNo: item.lineNo, quantity: item.quantity, amount: slice(lineNet(line), line.quantityRefunded, item.quantity, line.quantity) });
    lineTaxes.push(slice(line.tax, line.quantityRefunded, item.quantity, line.quantity));
  });
  const lineTax = lineTaxes.reduce((sum, t) => sum + t, 0);

  const money = (n: number) => (order.currency ? formatMoney(n, order.currency) : String(n));
  const shipping = request.shipping ?? 0;
  const shippingLeft = order.shippingTotal - order.shippingRefunded;
  if (shipping > shippingLeft) throw invalid('/shipping', `${money(shippingLeft)} of the shipping is left to refund, not ${money(shipping)}`);
  const shippingTax = slice(order.shippingTax, order.shippingRefunded, shipping, order.shippingTotal);

  const tax = request.tax ?? 0;
  const taxTotal = order.lines.reduce((sum, l) => sum + l.tax, 0) + order.shippingTax;
  const unrefundedTax = taxTotal - taxRefundedOf(order);
  // Tax refunded earlier on its own ("extra tax") may already have returned the tax of these units:
  // that part is not returned again, so everything refunded step by step still adds up to what was paid.
  // It comes off the parts that carry that tax (the lines' tax first, then shipping's), so the parts
  // shown (and stored with the refund) add up to what is refunded.
  let alreadyReturned = Math.max(0, lineTax + shippingTax - unrefundedTax);
  const taxLeft = Math.max(0, unrefundedTax - lineTax - shippingTax);
  if (tax > taxLeft) throw invalid('/tax', `${money(taxLeft)} of the tax is left to refund, not ${money(tax)}`);
  lines.forEach((l, i) => {
    const off = Math.min(alreadyReturned, lineTaxes[i]!);
    l.amount -= off;
    alreadyReturned -= off;
  });
  const shippingTaxReturned = shippingTax - alreadyReturned; // what is left of it fits: it is at most lineTax + shippingTax

  const computed = lines.reduce((sum, l) => sum + l.amount, 0) + shipping + shippingTaxReturned + tax;
  const total = request.amount ?? computed;
  const field = request.amount !== undefined ? '/amount' : lines.length || !shipping && !tax ? '/items' : shipping ? '/shipping' : '/tax';
  if (total <= 0) {
    throw invalid(field, lines.length
      ? 'the chosen units come to 0 after rounding (the line is worth less than one minor unit a unit): refund them together with more units'
      : 'nothing to refund: choose items, shipping, tax or an amount');
  }
  if (total > order.refundable) {
    throw new AppError('validation_failed', `${money(total)} is more than the ${money(order.refundable)} that may still be refunded`, { field, details: { refundable: order.refundable } });
  }
  return { lines, shipping, shippingTax: shippingTaxReturned, tax, computed, total, refundable: order.refundable };
}

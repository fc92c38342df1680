import { formatMoney } from '../shared/money.js';
import type { OrderItemRow } from './orders.table.js';

/** A line as far as money goes: what it sells, how many, at what price, discount and tax. */
export interface LineValues {
  lineNo: number;
  sku: string;
  quantity: number;
  unitPrice: number;
  discount: number;
  tax: number;
}

export interface BeforeAfter<T> {
  before: T;
  after: T;
}

/** The money fields an edit changed, each with its value before and after (minor units). */
export interface MoneyEdit {
  items?: BeforeAfter<LineValues[]>;
  shippingCost?: BeforeAfter<number>;
  shippingTax?: BeforeAfter<number>;
  total?: BeforeAfter<number>;
}

export interface MoneyState {
  items: readonly Pick<OrderItemRow, 'line_no' | 'sku' | 'quantity' | 'unit_price' | 'discount' | 'tax'>[];
  shippingCost: number;
  shippingTax: number;
  total: number;
}

const lineValues = (l: MoneyState['items'][number]): LineValues => ({
  lineNo: l.line_no, sku: l.sku, quantity: l.quantity, unitPrice: Number(l.unit_price), discount: Number(l.discount ?? 0), tax: Number(l.tax ?? 0),
});
const sameLine = (a: LineValues | undefined, b: LineValues | undefined) =>
  a !== undefined && b !== undefined && a.sku === b.sku && a.quantity === b.quantity && a.unitPrice === b.unitPrice && a.discount === b.discount && a.tax === b.tax;

/**
 * What an edit did to the order's money, so the record of it says what the amounts were and became, not
 * only which fields moved: after a price change nobody can otherwise tell what the customer was charged
 * for. Undefined when no amount changed (an edit of addresses, tags, descriptions).
 */
export function moneyEditOf(before: MoneyState, after: MoneyState): MoneyEdit | undefined {
  const values: MoneyEdit = {};
  const [old, now] = [before.items.map(lineValues), after.items.map(lineValues)];
  if (old.length !== now.length || old.some((l, n) => !sameLine(l, now[n]))) values.items = { before: old, after: now };
  if (before.shippingCost !== after.shippingCost) values.shippingCost = { before: before.shippingCost, after: after.shippingCost };
  if (before.shippingTax !== after.shippingTax) values.shippingTax = { before: before.shippingTax, after: after.shippingTax };
  if (before.total !== after.total) values.total = { before: before.total, after: after.total };
  return Object.keys(values).length ? values : undefined;
}

/** Each custom field an edit changed, with its value before and after (null: not set). */
export type CustomFieldsEdit = Record<string, BeforeAfter<string | null>>;

/** Custom fields before and after an edit, the changed ones only, in key order; undefined when none changed. */
export function customFieldsEditOf(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): CustomFieldsEdit | undefined {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const values: CustomFieldsEdit = {};
  for (const key of keys) {
    const [old, now] = [before[key] ?? null, after[key] ?? null];
    if (old !== now) values[key] = { before: old, after: now };
  }
  return Object.keys(values).length ? values : undefined;
}

/** Custom field values are free text up to 500 characters: the history line quotes at most this much of each. */
const VALUE_SPELLED = 60;

/** In the history's words: `custom1 "PO-1" → "PO-2"; custom3 "x" → (cleared)`. */
export function describeCustomFieldsEdit(values: CustomFieldsEdit): string {
  const quote = (v: string | null) => {
    if (v === null) return '(none)';
    return JSON.stringify(v.length > VALUE_SPELLED ? `${v.slice(0, VALUE_SPELLED)}…` : v);
  };
  return Object.entries(values).map(([key, { before, after }]) => `${key} ${quote(before)} → ${after === null ? '(cleared)' : quote(after)}`).join('; ');
}

/** At most this many changed lines are spelled out in the history text; the event carries them all. */
const LINES_SPELLED = 10;

/** The edit as a person reads it in the order's history: `shipping cost $5.00 → $0.00; total $26.50 → $21.00`. */
export function describeMoneyEdit(values: MoneyEdit, currency: string): string {
  const money = (n: number) => formatMoney(n, currency);
  const line = (l: LineValues) => `${l.quantity} × ${money(l.unitPrice)}${l.discount ? `, discount ${money(l.discount)}` : ''}${l.tax ? `, tax ${money(l.tax)}` : ''}`;
  const parts: string[] = [];
  if (values.items) {
    const { before, after } = values.items;
    const changed: string[] = [];
    for (let n = 0; n < Math.max(before.length, after.length); n += 1) {
      const [a, b] = [before[n], after[n]];
      if (sameLine(a, b)) continue;
      if (!b) changed.push(`line ${a!.lineNo} ${a!.sku} ${line(a!)} removed`);
      else if (!a) changed.push(`line ${b.lineNo} ${b.sku} added, ${line(b)}`);
      else if (a.sku !== b.sku) changed.push(`line ${a.lineNo} ${a.sku} ${line(a)} → ${b.sku} ${line(b)}`);
      else changed.push(`line ${a.lineNo} ${a.sku} ${line(a)} → ${line(b)}`);
    }
    const more = changed.length - LINES_SPELLED;
    parts.push(`items: ${changed.slice(0, LINES_SPELLED).join(', ')}${more > 0 ? ` and ${more} more line${more === 1 ? '' : 's'}` : ''}`);
  }
  if (values.shippingCost) parts.push(`shipping cost ${money(values.shippingCost.before)} → ${money(values.shippingCost.after)}`);
  if (values.shippingTax) parts.push(`shipping tax ${money(values.shippingTax.before)} → ${money(values.shippingTax.after)}`);
  if (values.total) parts.push(`total ${money(values.total.before)} → ${money(values.total.after)}`);
  return parts.join('; ');
}

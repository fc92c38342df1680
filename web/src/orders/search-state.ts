/**
 * The search a list shows lives in the URL, so it can be bookmarked, shared and saved as a view:
 * the API's own query parameters (filters, sort, limit, cursor) plus two of the page's own —
 * `cols` (the chosen columns, in order) and `cur` (the currency the total range is typed in).
 */
import type { Stage } from '../app/departments';
import { readMoney } from '../app/format';

export const SORTS = [
  'created_desc', 'created_asc', 'total_desc', 'total_asc', 'order_id_asc', 'order_id_desc',
  // Time in the current stage: queues only (the API needs a stage filter for it).
  'stage_entered_asc', 'stage_entered_desc',
] as const;
export type Sort = (typeof SORTS)[number];

export const CUSTOM_FIELD_KEYS = Array.from({ length: 10 }, (_, i) => `custom${i + 1}`);
export const TEXT_FILTERS = ['q', 'orderId', 'email', 'name', 'company', 'phone', 'postalCode', 'country', 'sku', 'tag', ...CUSTOM_FIELD_KEYS] as const;
export const LIST_FILTERS = ['stage', 'paymentMethod', 'paymentStatus'] as const;
export const DATE_FILTERS = ['createdFrom', 'createdTo', 'paidFrom', 'paidTo', 'shippedFrom', 'shippedTo'] as const;
export const MONEY_FILTERS = ['totalMin', 'totalMax'] as const;
export const FILTER_KEYS: readonly string[] = [...TEXT_FILTERS, ...LIST_FILTERS, ...DATE_FILTERS, ...MONEY_FILTERS];
const API_KEYS = new Set([...FILTER_KEYS, 'sort', 'limit', 'cursor']);

export const COLUMNS_PARAM = 'cols';
export const CURRENCY_PARAM = 'cur';
export const PAGE_SIZES = [25, 50, 100, 200] as const;

export const sortOf = (params: URLSearchParams, fallback: Sort = 'created_desc'): Sort => {
  const s = params.get('sort');
  return (SORTS as readonly string[]).includes(s ?? '') ? (s as Sort) : fallback;
};

export const listValues = (params: URLSearchParams, key: string): string[] =>
  params.getAll(key).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

/**
 * The query string sent to GET /orders. A queue always searches inside its own stages: a stage filter
 * narrows them, it never escapes them.
 */
export function apiQueryOf(params: URLSearchParams, opts: { stages?: readonly Stage[]; defaultSort?: Sort } = {}): string {
  const out = new URLSearchParams();
  for (const [key, value] of params) {
    if (API_KEYS.has(key) && key !== 'stage' && key !== 'sort' && value !== '') out.append(key, value);
  }
  let stages = listValues(params, 'stage');
  if (opts.stages) {
    const inside = stages.filter((s) => opts.stages!.includes(s as Stage));
    stages = inside.length ? inside : [...opts.stages];
  }
  if (stages.length) out.set('stage', stages.join(','));
  // A total range is in one currency's minor units: only that currency's orders are compared with it.
  const currency = params.get(CURRENCY_PARAM);
  if (currency && (params.has('totalMin') || params.has('totalMax'))) out.set('currency', currency);
  out.set('sort', sortOf(params, opts.defaultSort));
  return out.toString();
}

/** What a saved view keeps: the search and its sort, never the page it happened to be on or the columns (saved apart). */
export function viewQueryOf(params: URLSearchParams): string {
  const out = new URLSearchParams(params);
  out.delete('cursor');
  out.delete(COLUMNS_PARAM);
  out.sort();
  return out.toString();
}

export const hasFilters = (params: URLSearchParams): boolean => FILTER_KEYS.some((k) => params.has(k));

/* ---- dates: the user picks days in their own zone; the API takes UTC instants ---- */

export function localDayToInstant(day: string, end: boolean): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const start = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0));
  return new Date(start.getTime() - (end ? 1 : 0)).toISOString();
}

export function instantToLocalDay(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/* ---- money: typed in the currency's units, sent as minor units ---- */

export const currencyDigits = (currency: string): number => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
};

export function minorToMajorText(minor: string | number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined || minor === '') return '';
  const n = Number(minor);
  if (!Number.isFinite(n)) return '';
  const digits = currencyDigits(currency);
  return (n / 10 ** digits).toFixed(digits);
}

/**
 * "12.5" → 1250 for USD, 12 for JPY ("12.5" yen is refused); null when it is not a non-negative amount.
 * The one reading of typed money (readMoney): "120,50" is refused, not taken as 12,050.
 */
export function majorTextToMinor(text: string, currency: string): number | null {
  const read = readMoney(text, currency);
  return 'minor' in read && read.minor >= 0 ? read.minor : null;
}

/* ---- quick search: one box for an order id, an email, a name or a SKU ---- */

export type QuickKind = 'orderId' | 'email' | 'sku' | 'name';
export const QUICK_KIND_LABEL: Record<QuickKind, string> = { orderId: 'Order id', email: 'Email', sku: 'SKU', name: 'Name' };

let learnedOrderPrefix: string | null = null;
/** Order ids are `<prefix><digits>` with a prefix the server is configured with; learn it from any order seen. */
export function learnOrderPrefix(orderId: string | undefined): void {
  const m = orderId ? /^(.*?)\d+$/.exec(orderId) : null;
  if (m) learnedOrderPrefix = m[1]!;
}
export const knownOrderPrefix = (): string | null => learnedOrderPrefix;

/**
 * The rule, also shown under the box: `@` → email; digits, or the order prefix followed by digits
 * (a `*` allowed) → order id; one word with a digit (or in capitals with a dash, like GIFT-WRAP) → SKU;
 * anything else → name, so "Smith-Jones" stays a name.
 */
export function classifyQuickSearch(input: string, orderPrefix = learnedOrderPrefix ?? 'OD-'): { kind: QuickKind; value: string } | null {
  const value = input.trim();
  if (!value) return null;
  if (value.includes('@')) return { kind: 'email', value };
  if (/^\d[\d*]*$/.test(value)) return { kind: 'orderId', value };
  const p = orderPrefix.toLowerCase();
  if (p && value.toLowerCase().startsWith(p) && /^[\d*]*$/.test(value.slice(p.length))) return { kind: 'orderId', value };
  const capsCode = /[-_.]/.test(value) && /[A-Z]/.test(value) && value === value.toUpperCase();
  if (!/\s/.test(value) && (/\d/.test(value) || capsCode)) return { kind: 'sku', value };
  return { kind: 'name', value };
}

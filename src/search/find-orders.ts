import { createHmac, timingSafeEqual } from 'node:crypto';
import { hiddenStagesError } from '../auth/stage-access.js';
import type { Executor } from '../db/database.js';
import { toOrderListItemFor } from '../orders/orders.mapper.js';
import type { Holder } from '../auth/stage-access.js';
import type { OrderListItemDto } from '../orders/orders.schemas.js';
import { assertCurrency } from '../orders/order-input.js';
import { invalid } from '../shared/errors.js';
import type { Stage } from '../stages/stages.js';
import { isCountry } from '../shared/countries.js';
import { domainFilter, freeTextFilters, phoneCandidates } from './query-terms.js';
import { normalizeTerm, postalTerm, type TermKind, words } from './search-terms.js';
import { type Keyset, type OrderNumberFilter, type OrderSearch, prefixUpperBound, type Range, type TermFilter } from './search-sql.js';
import { findOrderPage } from './search.repository.js';
import type { SearchOrdersQueryT, SearchSort } from './search.schemas.js';

export interface OrderPageDto {
  items: OrderListItemDto[];
  nextCursor: string | null;
}

export interface SearchSettings {
  orderNumberPrefix: string;
}

/**
 * Search and list orders ("View All Orders", "Review Orders"): one keyset page. `visible`: the stages the
 * caller may see (auth/stage-access.ts), undefined for all; it restricts the search only when given.
 */
export async function findOrders(db: Executor, query: SearchOrdersQueryT, settings: SearchSettings, caller: Holder, visible?: readonly Stage[]): Promise<OrderPageDto> {
  const search = toOrderSearch(query, settings, visible);
  if (visible?.length === 0) return { items: [], nextCursor: null };
  const rows = await findOrderPage(db, search);
  const page = rows.slice(0, search.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > search.limit && last
    ? encodeCursor(search.sort, keysetOf(search.sort, last))
    : null;
  return { items: page.map(toOrderListItemFor(caller)), nextCursor };
}

const keysetOf = (sort: SearchSort, row: { created_at: number; id: number; total: number; order_number: string; stage_entered_at: number }): Keyset =>
  sort.startsWith('created') ? [row.created_at, row.id] : sort.startsWith('total') ? [row.total, row.id]
    : sort.startsWith('stage_entered') ? [row.stage_entered_at, row.id] : [row.order_number];

export function toOrderSearch(q: SearchOrdersQueryT, settings: SearchSettings, visible?: readonly Stage[]): OrderSearch {
  const sort = q.sort ?? 'created_desc';
  const requested = splitList(q.stage) as Stage[];
  // A stage named outright is refused if hidden; without one, the search covers only the visible stages.
  const hidden = visible ? requested.filter((stage) => !visible.includes(stage)) : [];
  if (hidden.length) throw hiddenStagesError(hidden, 'querystring:/stage');
  const stages = requested.length || !visible ? requested : [...visible];
  // Time in stage is only comparable inside a queue, and only the stage index holds it in order.
  if (sort.startsWith('stage_entered') && !q.stage?.length) throw invalid('querystring:/sort', 'sorting by time in stage needs a stage filter');
  const terms: TermFilter[] = [];
  const exact = (kind: TermKind, value: string | undefined, normalize = normalizeTerm) => {
    if (value === undefined) return;
    const term = normalize(value);
    if (!term) throw invalid(`querystring:/${kind}`, 'has nothing to search for');
    terms.push({ kinds: [kind], exact: [term] });
  };
  // An address always has an @, so a value without one (or starting with one) can only mean a domain.
  if (q.email !== undefined) {
    if (/^\s*@|^[^@]*$/.test(q.email)) terms.push(domainFilter(q.email, 'email'));
    else exact('email', q.email);
  }
  if (q.phone !== undefined) terms.push({ kinds: ['phone'], exact: phoneCandidates(q.phone) });
  exact('postal', q.postalCode, postalTerm);
  if (q.country !== undefined && !isCountry(q.country.toUpperCase())) {
    throw invalid('querystring:/country', `"${q.country}" is not an ISO 3166-1 alpha-2 country code`);
  }
  exact('country', q.country);
  exact('sku', q.sku);
  exact('tag', q.tag);
  for (let i = 1; i <= 10; i++) exact(`cf${i}` as TermKind, (q as Record<string, string | undefined>)[`custom${i}`]);
  if (q.company !== undefined) terms.push({ kinds: ['company'], prefix: requireText(normalizeTerm(q.company), 'company') });
  if (q.name !== undefined) {
    for (const w of requireWords(q.name, 'name')) terms.push({ kinds: ['name'], prefix: w });
  }
  if (q.q !== undefined) {
    terms.push(...freeTextFilters(q.q));
  }
  return {
    stages, paymentStatuses: splitList(q.paymentStatus), paymentMethods: splitList(q.paymentMethod),
    orderNumber: q.orderId === undefined ? undefined : orderNumberFilter(q.orderId, settings.orderNumberPrefix),
    terms,
    created: range(q.createdFrom, q.createdTo, 'createdFrom', 'createdTo'),
    paid: range(q.paidFrom, q.paidTo, 'paidFrom', 'paidTo'),
    shipped: range(q.shippedFrom, q.shippedTo, 'shippedFrom', 'shippedTo'),
    total: { from: q.totalMin, to: q.totalMax },
    currency: q.currency === undefined ? undefined : (assertCurrency(q.currency, 'querystring:/currency'), q.currency),
    sort,
    after: q.cursor === undefined ? undefined : decodeCursor(q.cursor, sort),
    limit: q.limit ?? 50,
  };
}

const splitList = (values: string[] | undefined): string[] => [...new Set((values ?? []).flatMap((v) => v.split(',')))];

function requireText(value: string, field: string): string {
  if (!value) throw invalid(`querystring:/${field}`, 'has nothing to search for');
  return value;
}

function requireWords(value: string, field: string): string[] {
  const found = words(value);
  if (!found.length) throw invalid(`querystring:/${field}`, 'has no letters or digits to search for');
  return found;
}

function range(from: string | undefined, to: string | undefined, fromField: string, toField: string): Range {
  const r: Range = { from: from === undefined ? undefined : Date.parse(from), to: to === undefined ? undefined : Date.parse(to) };
  if (Number.isNaN(r.from)) throw invalid(`querystring:/${fromField}`, 'is not a date-time');
  if (Number.isNaN(r.to)) throw invalid(`querystring:/${toField}`, 'is not a date-time');
  return r;
}

/**
 * An order id is a prefix; with `*` the whole id must match the pattern. Only the part before the first
 * `*` narrows the unique index, so an id may not start with `*`. The configured prefix is matched
 * case-insensitively and bare digits get it added, so "od-1004" and "1004" both work.
 */
export function orderNumberFilter(input: string, prefix: string): OrderNumberFilter {
  let value = input.trim();
  if (prefix && value.toLowerCase().startsWith(prefix.toLowerCase())) value = prefix + value.slice(prefix.length);
  else if (/^\d/.test(value)) value = prefix + value;
  const star = value.indexOf('*');
  if (star === 0 || !value) throw invalid('querystring:/orderId', 'must not start with *');
  const head = star < 0 ? value : value.slice(0, star);
  return { from: head, to: prefixUpperBound(head), pattern: star < 0 ? undefined : value };
}

/*
 * Cursors are `<base64url JSON>.<mac>`. The MAC only proves the cursor came from us unaltered (it grants
 * nothing, so a fixed key is enough); the sort is inside so a cursor cannot be replayed under another sort.
 */
const CURSOR_KEY = 'orderdeck.search.cursor.v1';
const mac = (payload: string) => createHmac('sha256', CURSOR_KEY).update(payload).digest('base64url').slice(0, 22);

export function encodeCursor(sort: SearchSort, keyset: Keyset): string {
  const payload = Buffer.from(JSON.stringify({ s: sort, k: keyset })).toString('base64url');
  return `${payload}.${mac(payload)}`;
}

export function decodeCursor(cursor: string, sort: SearchSort): Keyset {
  const bad = (why: string) => invalid('querystring:/cursor', why);
  const [payload, given, extra] = cursor.split('.');
  if (!payload || !given || extra !== undefined) throw bad('is not a cursor from this API');
  const expected = Buffer.from(mac(payload));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw bad('has been altered');
  let parsed: { s?: unknown; k?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw bad('is not a cursor from this API');
  }
  if (parsed.s !== sort) throw bad(`was made for sort=${String(parsed.s)}, not sort=${sort}`);
  const k = parsed.k;
  const isInt = (v: unknown) => Number.isSafeInteger(v);
  if (sort.startsWith('order_id') ? Array.isArray(k) && k.length === 1 && typeof k[0] === 'string' : Array.isArray(k) && k.length === 2 && isInt(k[0]) && isInt(k[1])) {
    return k as Keyset;
  }
  throw bad('is not a cursor from this API');
}

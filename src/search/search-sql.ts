import { type RawBuilder, sql } from 'kysely';
import { type Executor, isPostgres } from '../db/database.js';
import { PLAN_PER_CALL } from '../db/pg-named-statements.js';
import { ORDER_LIST_COLUMNS } from '../orders/orders.mapper.js';
import type { TermKind } from './search-terms.js';
import type { SearchSort } from './search.schemas.js';

/* The search's vocabulary (filters, keysets) and the SQL fragments every plan is assembled from. */

export interface TermFilter {
  kinds: readonly TermKind[];
  /** Exact terms (any of them matches) or one prefix. */
  exact?: string[];
  prefix?: string;
  /**
   * Other readings of the same word, any of which also matches, each exact or a prefix: "1aa" after
   * "sw1a" may end the postcode "sw1a1aa", "020 7946 0018" is a national phone number (free-text.ts).
   */
  or?: readonly TermFilter[];
  /** A prefix expanded into the (term, kind) pairs it covers (term-expansion.ts): walkable in creation order. */
  pairs?: readonly (readonly [string, TermKind])[];
  /** A prefix too wide to expand (many distinct terms); counted over its whole index stretch (wideRange). */
  broad?: boolean;
  /** Set by the planner when the bounded count found fewer matches than its cap: small enough to hash. */
  moderate?: boolean;
}

export interface Range {
  from?: number | undefined;
  to?: number | undefined;
}

export interface OrderNumberFilter {
  /** order_number >= from AND (to === null OR order_number < to). */
  from: string;
  to: string | null;
  /** When the id had a `*`: the whole order number must match, `*` being any run of characters. */
  pattern?: string | undefined;
}

/** created: [created_at, id]; total: [total, id]; order_id: [order_number]. */
export type Keyset = [number, number] | [string];

export interface OrderSearch {
  stages: string[];
  paymentStatuses: string[];
  paymentMethods: string[];
  orderNumber?: OrderNumberFilter | undefined;
  terms: TermFilter[];
  created: Range;
  paid: Range;
  shipped: Range;
  total: Range;
  /** Only orders in this currency: a total range means amounts in one currency's minor units. */
  currency?: string | undefined;
  sort: SearchSort;
  after?: Keyset | undefined;
  limit: number;
}

export type Sql = RawBuilder<unknown>;
/**
 * Runs a search statement planned for its own values. How good a search plan is depends on the values
 * (a rare surname against "lake"), and PostgreSQL, after five runs of a named statement, may switch to
 * one generic plan for all values: measured 5 ms → 23–29 ms for a free-text page at 1M orders.
 */
export const perCallPlan = <R>(db: Executor, query: Sql) => sql<R>`${sql.raw(PLAN_PER_CALL)} ${query}`.execute(db);

export const and = (parts: Sql[]): Sql => (parts.length ? sql.join(parts, sql` and `) : sql`1 = 1`);
export const list = (values: readonly (string | number)[]) => sql.join(values.map((v) => sql`${v}`));
export const COLUMNS = sql.join(ORDER_LIST_COLUMNS.map((c) => sql.ref(`o.${c}`)));

export function termMatch(f: TermFilter, t: string): Sql {
  if (!f.or?.length) return readingMatch(f, t);
  return sql`(${sql.join([f, ...f.or].map((m) => sql`(${readingMatch(m, t)})`), sql` or `)})`;
}

function readingMatch(f: TermFilter, t: string): Sql {
  const term = sql.ref(`${t}.term`);
  const kind = f.kinds.length === 1 ? sql`${sql.ref(`${t}.kind`)} = ${f.kinds[0]}` : sql`${sql.ref(`${t}.kind`)} in (${list(f.kinds)})`;
  if (f.exact) return f.exact.length === 1 ? sql`${term} = ${f.exact[0]} and ${kind}` : sql`${term} in (${list(f.exact)}) and ${kind}`;
  const upper = prefixUpperBound(f.prefix!);
  return upper === null ? sql`${term} >= ${f.prefix} and ${kind}` : sql`${term} >= ${f.prefix} and ${term} < ${upper} and ${kind}`;
}

/** The smallest string greater than every string starting with `prefix`, or null if there is none. */
export function prefixUpperBound(prefix: string): string | null {
  let p = prefix;
  while (p.length) {
    const last = p.charCodeAt(p.length - 1);
    if (last < 0xffff) return p.slice(0, -1) + String.fromCharCode(last + 1);
    p = p.slice(0, -1);
  }
  return null;
}

/** A single exact (term, kind) pair: its primary-key range is already in creation order. */
export const isOrderedTerm = (f: TermFilter) => f.exact?.length === 1 && f.kinds.length === 1 && !f.or?.length;

/**
 * Per-row check that an order carries the term: a point lookup on the primary key, or the order's few
 * terms. On PostgreSQL `offset 0` keeps it a per-row check: pulled up into a semi-join, the planner
 * would join every order carrying a common term (country=us) and sort them instead of walking and stopping.
 */
export function termExists(db: Executor, f: TermFilter, created = 'o.created_at', id = 'o.id'): Sql {
  const [c, i] = [sql.ref(created), sql.ref(id)];
  // A set known to be moderate is read once into a hash (PostgreSQL) or an ephemeral index (SQLite):
  // cheaper than thousands of per-row probes when the driver itself has thousands of candidates.
  // On SQLite the unary + keeps it a membership test: as an index driver it would look the order up
  // under every (term, kind) of the other filter instead.
  if (f.moderate) {
    const members = sql`(select x.order_id from order_search_terms x where ${termMatch(f, 'x')})`;
    // On PostgreSQL a bare IN becomes a semi-join, and with the driver underestimated (term statistics are
    // coarse) it probes the order index once per candidate: 1,386 buffer reads for 323 candidates, one by one
    // from disk on a cold cache (2.5 s). Wrapped, it stays a hashed SubPlan: the set's own stretch of the
    // term index, read once (286 buffer reads).
    return isPostgres(db) ? sql`(${i} in ${members}) is true` : sql`+${i} in ${members}`;
  }
  const fence = isPostgres(db) ? sql` offset 0` : sql``;
  if (isOrderedTerm(f)) {
    return sql`exists (select 1 from order_search_terms x where ${termMatch(f, 'x')} and x.created_at = ${c} and x.order_id = ${i}${fence})`;
  }
  return sql`exists (select 1 from order_search_terms x where x.order_id = ${i} and ${termMatch(f, 'x')}${fence})`;
}

export interface Build {
  db: Executor;
  /** SQLite only: hide these filters from the planner (unary +) so it keeps walking the index in sort order. */
  walking?: { keep: readonly string[] } | undefined;
  /** Replaces one IN-list by a single value (a branch of a merged walk). */
  pinned?: { column: ListColumn; value: string } | undefined;
}

export function col(b: Build, column: string): Sql {
  const ref = sql.ref(`o.${column}`);
  return b.walking && !b.walking.keep.includes(column) && !isPostgres(b.db) ? sql`+${ref}` : ref;
}

export function rangeOn(ref: Sql, r: Range): Sql[] {
  const out: Sql[] = [];
  if (r.from !== undefined) out.push(sql`${ref} >= ${r.from}`);
  if (r.to !== undefined) out.push(sql`${ref} <= ${r.to}`);
  return out;
}

export function orderNumberConditions(db: Executor, f: OrderNumberFilter, ref: Sql = sql.ref('o.order_number')): Sql[] {
  const out: Sql[] = [sql`${ref} >= ${f.from}`];
  if (f.to !== null) out.push(sql`${ref} < ${f.to}`);
  if (f.pattern !== undefined) out.push(patternMatch(db, ref, f.pattern));
  return out;
}

export function patternMatch(db: Executor, ref: Sql, pattern: string): Sql {
  if (isPostgres(db)) {
    const like = pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll('*', '%');
    return sql`${ref} like ${like} escape '\\'`;
  }
  // GLOB is case-sensitive like the "C" collation; its own wildcards are escaped by bracketing.
  return sql`${ref} glob ${pattern.replace(/[?[\]]/g, (c) => `[${c}]`)}`;
}

export type ListColumn = 'stage' | 'payment_status' | 'payment_method';
export const listsOf = (s: OrderSearch): [ListColumn, string[]][] => [['stage', s.stages], ['payment_status', s.paymentStatuses], ['payment_method', s.paymentMethods]];

/** Every filter as a condition on `orders o`, plus the keyset. */
export function conditions(b: Build, s: OrderSearch): Sql[] {
  const out: Sql[] = [];
  for (const [column, values] of listsOf(s)) {
    const ref = col(b, column);
    if (b.pinned?.column === column) out.push(sql`${ref} = ${b.pinned.value}`);
    else if (values.length === 1) out.push(sql`${ref} = ${values[0]}`);
    else if (values.length) out.push(sql`${ref} in (${list(values)})`);
  }
  if (s.orderNumber) out.push(...orderNumberConditions(b.db, s.orderNumber, col(b, 'order_number')));
  out.push(...rangeOn(col(b, 'created_at'), s.created), ...rangeOn(col(b, 'paid_at'), s.paid));
  out.push(...rangeOn(col(b, 'shipped_at'), s.shipped), ...rangeOn(col(b, 'total'), s.total));
  if (s.currency !== undefined) out.push(sql`${col(b, 'currency')} = ${s.currency}`);
  for (const f of s.terms) out.push(termExists(b.db, f));
  const keyset = keysetCondition(s, 'o.created_at', 'o.id');
  if (keyset) out.push(keyset);
  return out;
}

export const descending = (sort: SearchSort) => sort.endsWith('_desc');

/** The column a numeric sort orders by (with the order id after it), or created_at's stand-in for walks over terms. */
export const sortColumn = (sort: SearchSort, createdCol = 'o.created_at'): string =>
  sort.startsWith('total') ? 'o.total' : sort.startsWith('stage_entered') ? 'o.stage_entered_at' : createdCol;

export function keysetCondition(s: OrderSearch, createdCol: string, idCol: string): Sql | undefined {
  if (!s.after) return undefined;
  const op = sql.raw(descending(s.sort) ? '<' : '>');
  if (s.sort.startsWith('order_id')) return sql`o.order_number ${op} ${s.after[0]}`;
  return sql`(${sql.ref(sortColumn(s.sort, createdCol))}, ${sql.ref(idCol)}) ${op} (${s.after[0]}, ${s.after[1]})`;
}

export function orderBy(sort: SearchSort, createdCol = 'o.created_at', idCol = 'o.id'): Sql {
  const dir = sql.raw(descending(sort) ? 'desc' : 'asc');
  if (sort.startsWith('order_id')) return sql`order by o.order_number ${dir}`;
  return sql`order by ${sql.ref(sortColumn(sort, createdCol))} ${dir}, ${sql.ref(idCol)} ${dir}`;
}

/** A source of candidate orders, counted cheaply (up to `cap`) before choosing where the walk starts. */

export const without = (s: OrderSearch, f: TermFilter | undefined): OrderSearch => ({ ...s, terms: s.terms.filter((x) => x !== f) });

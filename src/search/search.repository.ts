import { type RawBuilder, sql } from 'kysely';
import { type Executor, isPostgres } from '../db/database.js';
import { ORDER_LIST_COLUMNS, type OrderListRow } from '../orders/orders.mapper.js';
import type { TermKind } from './search-terms.js';
import { expandPrefix, MAX_EXPANSION } from './term-expansion.js';
import type { SearchSort } from './search.schemas.js';

/*
 * Query building for the order search. Every page is a keyset walk that stops after limit + 1 rows;
 * the only choice is where the walk starts ("the driver"):
 *  - a small candidate set (≤ SMALL_SET rows, measured with a bounded count) is read whole and sorted;
 *  - otherwise the walk follows an index already in the sort order and checks the other filters per row
 *    (term filters as EXISTS on the order_search_terms primary key or its order_id index).
 * SQLite plans joins in FROM order when written as CROSS JOIN, which is how the driver is pinned there.
 */
export const SMALL_SET = 2000;
/** Term ranges are sorted by creation inside the covering index, so up to this many are still read whole. */
export const LARGE_TERM_SET = 20000;

export interface TermFilter {
  kinds: readonly TermKind[];
  /** Exact terms (any of them matches) or one prefix. */
  exact?: string[];
  prefix?: string;
  /** A prefix expanded into the (term, kind) pairs it covers (term-expansion.ts): walkable in creation order. */
  pairs?: readonly (readonly [string, TermKind])[];
  /** A prefix too wide to expand: it matches many terms, so it is taken as broad without counting. */
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
  sort: SearchSort;
  after?: Keyset | undefined;
  limit: number;
}

type Sql = RawBuilder<unknown>;
const and = (parts: Sql[]): Sql => (parts.length ? sql.join(parts, sql` and `) : sql`1 = 1`);
const list = (values: readonly (string | number)[]) => sql.join(values.map((v) => sql`${v}`));
const COLUMNS = sql.join(ORDER_LIST_COLUMNS.map((c) => sql.ref(`o.${c}`)));

function termMatch(f: TermFilter, t: string): Sql {
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
const isOrderedTerm = (f: TermFilter) => f.exact?.length === 1 && f.kinds.length === 1;

/**
 * Per-row check that an order carries the term: a point lookup on the primary key, or the order's few
 * terms. On PostgreSQL `offset 0` keeps it a per-row check: pulled up into a semi-join, the planner
 * would join every order carrying a common term (country=us) and sort them instead of walking and stopping.
 */
function termExists(db: Executor, f: TermFilter, created = 'o.created_at', id = 'o.id'): Sql {
  const [c, i] = [sql.ref(created), sql.ref(id)];
  // A set known to be moderate is read once into a hash (PostgreSQL) or an ephemeral index (SQLite):
  // cheaper than thousands of per-row probes when the driver itself has thousands of candidates.
  if (f.moderate) return sql`${i} in (select x.order_id from order_search_terms x where ${termMatch(f, 'x')})`;
  const fence = isPostgres(db) ? sql` offset 0` : sql``;
  if (isOrderedTerm(f)) {
    return sql`exists (select 1 from order_search_terms x where ${termMatch(f, 'x')} and x.created_at = ${c} and x.order_id = ${i}${fence})`;
  }
  return sql`exists (select 1 from order_search_terms x where x.order_id = ${i} and ${termMatch(f, 'x')}${fence})`;
}

interface Build {
  db: Executor;
  /** SQLite only: hide these filters from the planner (unary +) so it keeps walking the index in sort order. */
  walking?: { keep: readonly string[] } | undefined;
  /** Replaces one IN-list by a single value (a branch of a merged walk). */
  pinned?: { column: ListColumn; value: string } | undefined;
}

function col(b: Build, column: string): Sql {
  const ref = sql.ref(`o.${column}`);
  return b.walking && !b.walking.keep.includes(column) && !isPostgres(b.db) ? sql`+${ref}` : ref;
}

function rangeOn(ref: Sql, r: Range): Sql[] {
  const out: Sql[] = [];
  if (r.from !== undefined) out.push(sql`${ref} >= ${r.from}`);
  if (r.to !== undefined) out.push(sql`${ref} <= ${r.to}`);
  return out;
}

function orderNumberConditions(db: Executor, f: OrderNumberFilter, ref: Sql = sql.ref('o.order_number')): Sql[] {
  const out: Sql[] = [sql`${ref} >= ${f.from}`];
  if (f.to !== null) out.push(sql`${ref} < ${f.to}`);
  if (f.pattern !== undefined) out.push(patternMatch(db, ref, f.pattern));
  return out;
}

function patternMatch(db: Executor, ref: Sql, pattern: string): Sql {
  if (isPostgres(db)) {
    const like = pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll('*', '%');
    return sql`${ref} like ${like} escape '\\'`;
  }
  // GLOB is case-sensitive like the "C" collation; its own wildcards are escaped by bracketing.
  return sql`${ref} glob ${pattern.replace(/[?[\]]/g, (c) => `[${c}]`)}`;
}

type ListColumn = 'stage' | 'payment_status' | 'payment_method';
const listsOf = (s: OrderSearch): [ListColumn, string[]][] => [['stage', s.stages], ['payment_status', s.paymentStatuses], ['payment_method', s.paymentMethods]];

/** Every filter as a condition on `orders o`, plus the keyset. */
function conditions(b: Build, s: OrderSearch): Sql[] {
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
  for (const f of s.terms) out.push(termExists(b.db, f));
  const keyset = keysetCondition(s, 'o.created_at', 'o.id');
  if (keyset) out.push(keyset);
  return out;
}

const descending = (sort: SearchSort) => sort.endsWith('_desc');

function keysetCondition(s: OrderSearch, createdCol: string, idCol: string): Sql | undefined {
  if (!s.after) return undefined;
  const op = sql.raw(descending(s.sort) ? '<' : '>');
  if (s.sort.startsWith('order_id')) return sql`o.order_number ${op} ${s.after[0]}`;
  const first = s.sort.startsWith('total') ? sql.ref('o.total') : sql.ref(createdCol);
  return sql`(${first}, ${sql.ref(idCol)}) ${op} (${s.after[0]}, ${s.after[1]})`;
}

function orderBy(sort: SearchSort, createdCol = 'o.created_at', idCol = 'o.id'): Sql {
  const dir = sql.raw(descending(sort) ? 'desc' : 'asc');
  if (sort.startsWith('order_id')) return sql`order by o.order_number ${dir}`;
  const first = sort.startsWith('total') ? sql.ref('o.total') : sql.ref(createdCol);
  return sql`order by ${first} ${dir}, ${sql.ref(idCol)} ${dir}`;
}

/** A source of candidate orders, counted cheaply (up to `cap`) before choosing where the walk starts. */
interface Source {
  probe: Sql;
  /** Below this many rows the source is read whole; at or above it the source is only a filter. */
  cap: number;
  term?: TermFilter;
  /** Exact (term, kind) or an IN-list column: can be walked in creation order without sorting. */
  ordered?: boolean;
  orders?: Sql[];
}

export interface SetSizes {
  small: number;
  largeTerm: number;
  /** Most (term, kind) pairs a prefix is expanded into; 0 never expands. */
  expansion: number;
}
const SET_SIZES: SetSizes = { small: SMALL_SET, largeTerm: LARGE_TERM_SET, expansion: MAX_EXPANSION };

function sources(db: Executor, s: OrderSearch, sizes: SetSizes): Source[] {
  const byCreated = s.sort.startsWith('created');
  const out: Source[] = s.terms.map((f) => ({
    probe: sql`select 1 from order_search_terms t where ${termMatch(f, 't')}`,
    // By creation the candidates are sorted inside the covering term index, so larger sets stay cheap.
    cap: byCreated ? sizes.largeTerm : sizes.small, term: f, ordered: byCreated && (isOrderedTerm(f) || !!f.pairs),
  }));
  const onOrders = (where: Sql[], ordered = false): Source => ({ probe: sql`select 1 from orders o where ${and(where)}`, cap: sizes.small, orders: where, ordered });
  if (s.orderNumber) out.push(onOrders(orderNumberConditions(db, s.orderNumber)));
  for (const [column, values] of listsOf(s)) {
    if (values.length) out.push(onOrders([sql`${sql.ref(`o.${column}`)} in (${list(values)})`], byCreated));
  }
  for (const [column, r] of [['o.paid_at', s.paid], ['o.shipped_at', s.shipped], ['o.total', s.total], ['o.created_at', s.created]] as const) {
    if (r.from !== undefined || r.to !== undefined) out.push(onOrders(rangeOn(sql.ref(column), r)));
  }
  return out;
}

async function boundedCount(db: Executor, source: Source): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from (${source.probe} limit ${source.cap}) p`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** One page (limit + 1 rows, so the caller knows whether another page follows). `sizes` is for tests. */
export async function findOrderPage(db: Executor, search: OrderSearch, sizes = SET_SIZES): Promise<OrderListRow[]> {
  const take = search.limit + 1;
  const s = search.sort.startsWith('created') ? await withExpandedPrefixes(db, search, sizes.expansion) : search;
  if (!s) return [];
  const all = sources(db, s, sizes);
  let best: { source: Source; count: number } | undefined;
  // A lone filter that can be walked in sort order needs no probe: the walk itself stops after one page.
  // (Counting first is what hurts: on PostgreSQL a bounded count over a huge stage can become a bitmap scan.)
  if (all.length === 1 && all[0]!.ordered) best = { source: all[0]!, count: all[0]!.cap };
  else for (const source of all) {
    // Counting a wide prefix would read up to `cap` entries spread over a long stretch of the index.
    const count = source.term?.broad ? source.cap : await boundedCount(db, source);
    if (count === 0) return [];
    if (source.term) source.term.moderate = count < source.cap;
    const ratio = count / source.cap;
    const bestRatio = best ? best.count / best.source.cap : Infinity;
    if (ratio < bestRatio || (ratio === bestRatio && source.ordered && !best?.source.ordered)) best = { source, count };
  }
  const byCreated = s.sort.startsWith('created');
  if (best && (best.count < best.source.cap || best.source.ordered)) {
    const { source } = best;
    // An ordered term walks and stops after a page, unless other terms must be matched against a set
    // of bounded size: then reading it whole and intersecting is bounded too, while a walk through sparse
    // matches would check every candidate one by one.
    const intersect = best.count < source.cap && s.terms.some((f) => f !== source.term);
    if (source.ordered && source.term && !intersect) return walkTerm(db, s, source.term, take);
    if (source.ordered && !source.term) return walkMerged(db, s, take);
    if (source.term && byCreated) return readTermByCreation(db, s, source.term, take);
    return readCandidates(db, s, source, take);
  }
  // Every filter is broad, so matches are dense: walk an index in sort order and stop early.
  const keep = byCreated ? ['created_at'] : s.sort.startsWith('total') ? ['total'] : ['order_number'];
  const { rows } = await sql<OrderListRow>`select ${COLUMNS} from orders o
    where ${and(conditions({ db, walking: { keep } }, s))} ${orderBy(s.sort)} limit ${take}`.execute(db);
  return rows;
}

const without = (s: OrderSearch, f: TermFilter | undefined): OrderSearch => ({ ...s, terms: s.terms.filter((x) => x !== f) });

/** A small candidate set read whole, each order joined by id, filtered and sorted. */
async function readCandidates(db: Executor, s: OrderSearch, source: Source, take: number): Promise<OrderListRow[]> {
  const driver = source.term
    ? sql`select distinct t.order_id as id from order_search_terms t where ${termMatch(source.term, 't')}`
    : sql`select o.id from orders o where ${and(source.orders ?? [])}`;
  const { rows } = await sql<OrderListRow>`select ${COLUMNS} from (${driver}) d cross join orders o
    where o.id = d.id and ${and(conditions({ db }, without(s, source.term)))} ${orderBy(s.sort)} limit ${take}`.execute(db);
  return rows;
}

/**
 * Term ranges (prefixes, phone variants) sorted by creation inside the covering term index. Other term
 * filters are checked there too; only when a filter needs the order row is every candidate joined.
 */
async function readTermByCreation(db: Executor, s: OrderSearch, f: TermFilter, take: number): Promise<OrderListRow[]> {
  const rest = without(s, f);
  // Moderate sets are intersected first (hashed); broad terms are then checked per surviving candidate,
  // which after an intersection is usually a handful rather than every candidate of the driver.
  const hashed = rest.terms.filter((x) => x.moderate);
  const perRow = hashed.length ? rest.terms.filter((x) => !x.moderate) : [];
  const inner = rest.terms.filter((x) => !perRow.includes(x)).map((x) => termExists(db, x, 't.created_at', 't.order_id'));
  const keyset = keysetCondition(s, 't.created_at', 't.order_id');
  if (keyset) inner.push(keyset);
  const onRow = [
    ...perRow.map((x) => termExists(db, x, 'd.created_at', 'd.order_id')),
    ...conditions({ db }, { ...rest, terms: [], after: undefined }),
  ];
  const fence = isPostgres(db) && perRow.length ? sql` offset 0` : sql``;
  const { rows } = await sql<OrderListRow>`select ${COLUMNS} from (
      select t.created_at, t.order_id from order_search_terms t where ${termMatch(f, 't')} and ${and(inner)}
      group by t.created_at, t.order_id ${orderBy(s.sort, 't.created_at', 't.order_id')} ${onRow.length ? sql`` : sql`limit ${take}`}${fence}
    ) d cross join orders o
    where o.id = d.order_id and ${and(onRow)} ${orderBy(s.sort, 'd.created_at', 'd.order_id')} limit ${take}`.execute(db);
  return rows;
}

/**
 * Walks (term, kind) pairs of the inverted index newest- or oldest-first, joining each order. Several
 * pairs are walked one page each and merged; an order found under two pairs is listed once. A page per
 * pair is enough: an order among the first `take` distinct results has fewer than `take` before it in
 * its own pair's walk.
 */
async function walkTerm(db: Executor, s: OrderSearch, f: TermFilter, take: number): Promise<OrderListRow[]> {
  const rest = without(s, f);
  // The other term filters are checked on the index entry, before the order row is fetched at all.
  const onTerm = rest.terms.map((x) => termExists(db, x, 't.created_at', 't.order_id'));
  const keyset = keysetCondition(s, 't.created_at', 't.order_id');
  if (keyset) onTerm.push(keyset);
  const onRow = and(conditions({ db }, { ...rest, terms: [], after: undefined }));
  const walk = (pair: TermFilter) => sql`select ${COLUMNS} from order_search_terms t cross join orders o
    where ${termMatch(pair, 't')} and ${and(onTerm)} and o.id = t.order_id and ${onRow}
    ${orderBy(s.sort, 't.created_at', 't.order_id')} limit ${take}`;
  if (!f.pairs || f.pairs.length === 1) {
    return (await sql<OrderListRow>`${walk(f.pairs ? { kinds: [f.pairs[0]![1]], exact: [f.pairs[0]![0]] } : f)}`.execute(db)).rows;
  }
  // One statement (one round trip on PostgreSQL), one bounded walk per pair.
  const branches = f.pairs.map(([term, kind], i) => sql`select * from (${walk({ kinds: [kind], exact: [term] })}) ${sql.raw(`w${i}`)}`);
  const pages = [(await sql<OrderListRow>`${sql.join(branches, sql` union all `)}`.execute(db)).rows];
  const sign = descending(s.sort) ? -1 : 1;
  const merged = pages.flat().sort((a, b) => sign * (a.created_at - b.created_at || a.id - b.id));
  return merged.filter((row, i) => i === 0 || row.id !== merged[i - 1]!.id).slice(0, take);
}

/** Replaces prefix filters by the pairs they cover, where there are few; undefined when one covers none. */
async function withExpandedPrefixes(db: Executor, s: OrderSearch, max: number): Promise<OrderSearch | undefined> {
  const terms: TermFilter[] = [];
  for (const f of s.terms) {
    const pairs = f.prefix === undefined ? undefined : await expandPrefix(db, f, max);
    if (pairs?.length === 0) return undefined;
    if (pairs) terms.push({ kinds: [...new Set(pairs.map((p) => p[1]))], exact: [...new Set(pairs.map((p) => p[0]))], pairs });
    else terms.push(f.prefix !== undefined && max > 0 ? { ...f, broad: true } : f);
  }
  return { ...s, terms };
}

/** One walk per value of the first IN-list over its (column, created_at, id) index, merged: never a sort of the whole set. */
async function walkMerged(db: Executor, s: OrderSearch, take: number): Promise<OrderListRow[]> {
  const [column, values] = listsOf(s).find(([, v]) => v.length)!;
  const branches = values.map((value, i) => sql`select * from (select ${COLUMNS} from orders o
    where ${and(conditions({ db, pinned: { column, value }, walking: { keep: [column, 'created_at'] } }, s))}
    ${orderBy(s.sort)} limit ${take}) ${sql.raw(`b${i}`)}`);
  const dir = sql.raw(descending(s.sort) ? 'desc' : 'asc');
  const merged = branches.length === 1 ? branches[0]! : sql`${sql.join(branches, sql` union all `)} order by created_at ${dir}, id ${dir} limit ${take}`;
  const { rows } = await sql<OrderListRow>`${merged}`.execute(db);
  return rows;
}

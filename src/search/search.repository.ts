import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { OrderListRow } from '../orders/orders.mapper.js';
import { readTermByCreation, walkMerged, walkTerm } from './search-plans.js';
import {
  and, COLUMNS, conditions, isOrderedTerm, list, listsOf, orderBy, orderNumberConditions, type OrderSearch, perCallPlan, prefixUpperBound, rangeOn, type Sql,
  type TermFilter, termMatch, without,
} from './search-sql.js';
import { expandReadings, MAX_EXPANSION } from './term-expansion.js';

/*
 * The order search planner. Every page is a keyset walk that stops after limit + 1 rows; the choice is
 * where the walk starts ("the driver"), made from bounded counts of each filter:
 *  - a small candidate set (≤ SMALL_SET rows) is read whole and sorted;
 *  - an exact term, or a prefix expanded into its few (term, kind) pairs, is walked in date order;
 *    when other terms must also match and the driver is of bounded size, it is read whole and the
 *    moderate sets are intersected by hash instead (search-plans.ts);
 *  - otherwise the walk follows an index already in the sort order and checks the other filters per row.
 * SQL fragments live in search-sql.ts. SQLite plans joins in FROM order when written as CROSS JOIN,
 * which is how the driver is pinned there.
 */
export const SMALL_SET = 2000;
/** Term ranges are sorted by creation inside the covering index, so up to this many are still read whole. */
export const LARGE_TERM_SET = 20000;

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
  // By creation the candidates are sorted inside the covering term index, so larger sets stay cheap.
  const termCap = byCreated ? sizes.largeTerm : sizes.small;
  const out: Source[] = s.terms.map((f) => ({
    probe: f.or?.length ? readingsRange(f, termCap) : f.broad ? wideRange(f.prefix!) : sql`select 1 from order_search_terms t where ${termMatch(f, 't')}`,
    cap: termCap, term: f, ordered: byCreated && (isOrderedTerm(f) || !!f.pairs),
  }));
  const onOrders = (where: Sql[], ordered = false): Source => ({ probe: sql`select 1 from orders o where ${and(where)}`, cap: sizes.small, orders: where, ordered });
  if (s.orderNumber) out.push(onOrders(orderNumberConditions(db, s.orderNumber)));
  for (const [column, values] of listsOf(s)) {
    // By creation every list column has a (column, created_at, id) index; by time in stage only the stage does.
    const walkable = byCreated || (s.sort.startsWith('stage_entered') && column === 'stage');
    if (values.length) out.push(onOrders([sql`${sql.ref(`o.${column}`)} in (${list(values)})`], walkable));
  }
  for (const [column, r] of [['o.paid_at', s.paid], ['o.shipped_at', s.shipped], ['o.total', s.total], ['o.created_at', s.created]] as const) {
    if (r.from !== undefined || r.to !== undefined) out.push(onOrders(rangeOn(sql.ref(column), r)));
  }
  return out;
}

/**
 * A wide prefix is counted over its whole stretch of the index, every kind included: an upper bound that
 * reads at most `cap` entries. (Counting only its kinds could walk far past `cap` entries of other kinds.)
 */
function wideRange(prefix: string): Sql {
  const upper = prefixUpperBound(prefix);
  return sql`select 1 from order_search_terms t where t.term >= ${prefix}${upper === null ? sql`` : sql` and t.term < ${upper}`}`;
}

/**
 * A word with several readings is counted reading by reading, each bounded, and the counts added: an upper
 * bound again. Counted as one OR, PostgreSQL would build a bitmap of every reading's whole range first,
 * and a short word ("1" of "+1 202…") covers a large one.
 */
function readingsRange(f: TermFilter, cap: number): Sql {
  const each = [f, ...f.or!].map((r, i) => {
    const range = r.prefix !== undefined ? wideRange(r.prefix) : sql`select 1 from order_search_terms t where ${termMatch({ kinds: r.kinds, exact: r.exact! }, 't')}`;
    return sql`select 1 as one from (${range} limit ${cap}) ${sql.raw(`r${i}`)}`;
  });
  return sql.join(each, sql` union all `);
}

async function boundedCount(db: Executor, source: Source): Promise<number> {
  const { rows } = await perCallPlan<{ n: number }>(db, sql`select count(*) as n from (${source.probe} limit ${source.cap}) p`);
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
  // Counted side by side: on PostgreSQL each count runs on a connection of its own (a common word reads
  // its 20,000 index entries in ~4 ms, and free text often has two or three of them).
  else for (const [i, count] of (await Promise.all(all.map((source) => boundedCount(db, source)))).entries()) {
    const source = all[i]!;
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
  const keep = byCreated ? ['created_at'] : s.sort.startsWith('total') ? ['total']
    : s.sort.startsWith('stage_entered') ? ['stage', 'stage_entered_at'] : ['order_number'];
  const { rows } = await perCallPlan<OrderListRow>(db, sql`select ${COLUMNS} from orders o
    where ${and(conditions({ db, walking: { keep } }, s))} ${orderBy(s.sort)} limit ${take}`);
  return rows;
}

/** A small candidate set read whole, each order joined by id, filtered and sorted. */
async function readCandidates(db: Executor, s: OrderSearch, source: Source, take: number): Promise<OrderListRow[]> {
  const driver = source.term
    ? sql`select distinct t.order_id as id from order_search_terms t where ${termMatch(source.term, 't')}`
    : sql`select o.id from orders o where ${and(source.orders ?? [])}`;
  const { rows } = await perCallPlan<OrderListRow>(db, sql`select ${COLUMNS} from (${driver}) d cross join orders o
    where o.id = d.id and ${and(conditions({ db }, without(s, source.term)))} ${orderBy(s.sort)} limit ${take}`);
  return rows;
}

/** Replaces prefix filters by the pairs they cover, where there are few; undefined when one covers none. */
async function withExpandedPrefixes(db: Executor, s: OrderSearch, max: number): Promise<OrderSearch | undefined> {
  const terms: TermFilter[] = [];
  const expanded = await Promise.all(s.terms.map((f) => (f.prefix === undefined ? undefined : expandReadings(db, f, max))));
  for (const [i, f] of s.terms.entries()) {
    const pairs = expanded[i];
    if (pairs?.length === 0) return undefined;
    if (pairs) terms.push({ kinds: [...new Set(pairs.map((p) => p[1]))], exact: [...new Set(pairs.map((p) => p[0]))], pairs });
    else terms.push(f.prefix !== undefined && max > 0 && !f.or?.length ? { ...f, broad: true } : f);
  }
  return { ...s, terms };
}


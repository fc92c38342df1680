import { sql } from 'kysely';
import { type Executor, isPostgres } from '../db/database.js';
import type { OrderListRow } from '../orders/orders.mapper.js';
import {
  and, COLUMNS, conditions, descending, keysetCondition, listsOf, orderBy, type OrderSearch, perCallPlan, type TermFilter, termExists, termMatch, without,
} from './search-sql.js';

/* The ways a page is read once the planner (search.repository.ts) has chosen where to start. */

/**
 * Term ranges (prefixes, phone variants) sorted by creation inside the covering term index. Other term
 * filters are checked there too; only when a filter needs the order row is every candidate joined.
 */
export async function readTermByCreation(db: Executor, s: OrderSearch, f: TermFilter, take: number): Promise<OrderListRow[]> {
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
  const { rows } = await perCallPlan<OrderListRow>(db, sql`select ${COLUMNS} from (
      select t.created_at, t.order_id from order_search_terms t where ${termMatch(f, 't')} and ${and(inner)}
      group by t.created_at, t.order_id ${orderBy(s.sort, 't.created_at', 't.order_id')} ${onRow.length ? sql`` : sql`limit ${take}`}${fence}
    ) d cross join orders o
    where o.id = d.order_id and ${and(onRow)} ${orderBy(s.sort, 'd.created_at', 'd.order_id')} limit ${take}`);
  return rows;
}

/**
 * Walks (term, kind) pairs of the inverted index newest- or oldest-first, joining each order. Several
 * pairs are walked one page each and merged; an order found under two pairs is listed once. A page per
 * pair is enough: an order among the first `take` distinct results has fewer than `take` before it in
 * its own pair's walk.
 */
export async function walkTerm(db: Executor, s: OrderSearch, f: TermFilter, take: number): Promise<OrderListRow[]> {
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
    return (await perCallPlan<OrderListRow>(db, walk(f.pairs ? { kinds: [f.pairs[0]![1]], exact: [f.pairs[0]![0]] } : f))).rows;
  }
  // One statement (one round trip on PostgreSQL), one bounded walk per pair.
  const branches = f.pairs.map(([term, kind], i) => sql`select * from (${walk({ kinds: [kind], exact: [term] })}) ${sql.raw(`w${i}`)}`);
  const pages = [(await perCallPlan<OrderListRow>(db, sql.join(branches, sql` union all `))).rows];
  const sign = descending(s.sort) ? -1 : 1;
  const merged = pages.flat().sort((a, b) => sign * (a.created_at - b.created_at || a.id - b.id));
  return merged.filter((row, i) => i === 0 || row.id !== merged[i - 1]!.id).slice(0, take);
}

/**
 * One walk per value of the first IN-list over its (column, created_at, id) index — or, by time in stage,
 * the stages over (stage, stage_entered_at, id) — merged: never a sort of the whole set.
 */
export async function walkMerged(db: Executor, s: OrderSearch, take: number): Promise<OrderListRow[]> {
  const [column, values] = listsOf(s).find(([, v]) => v.length)!;
  const key = s.sort.startsWith('stage_entered') ? 'stage_entered_at' : 'created_at';
  const page = (value: string) => {
    const where = and(conditions({ db, pinned: { column, value }, walking: { keep: [column, key] } }, s));
    if (!isPostgres(db)) return sql`select ${COLUMNS} from orders o where ${where} ${orderBy(s.sort)} limit ${take}`;
    // PostgreSQL judges a walk of orders_created_idx, filtering on the stage, as cheap as the stage's own
    // index when the stage holds most orders; but the newest orders are the ones not yet completed, so at
    // a million orders the Completed queue's first page read 224,174 rows (268 ms). Asked for ids alone,
    // the (stage, created_at, id) index answers by itself when nothing else is filtered (a queue page),
    // and wins (0.6 ms); the rows follow by id. With other filters the plan is no worse than before.
    return sql`select ${COLUMNS} from orders o where o.id in (select o.id from orders o where ${where} ${orderBy(s.sort)} limit ${take})
      ${orderBy(s.sort)} limit ${take}`;
  };
  const branches = values.map((value, i) => sql`select * from (${page(value)}) ${sql.raw(`b${i}`)}`);
  const dir = sql.raw(descending(s.sort) ? 'desc' : 'asc');
  const merged = branches.length === 1 ? branches[0]! : sql`${sql.join(branches, sql` union all `)} order by ${sql.ref(key)} ${dir}, id ${dir} limit ${take}`;
  const { rows } = await perCallPlan<OrderListRow>(db, merged);
  return rows;
}

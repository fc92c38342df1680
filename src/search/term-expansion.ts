import { sql } from 'kysely';
import { type Executor, isPostgres } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import type { TermKind } from './search-terms.js';
import { prefixUpperBound, type TermFilter } from './search-sql.js';

/**
 * A prefix filter ("smi" in names) names a range of the term index, and a range is not in creation order,
 * so newest-first would mean reading and sorting every match. But a prefix usually covers only a few
 * distinct terms ("smith", "smithers"), and each (term, kind) is already in creation order in the index.
 * Expanding the prefix into those pairs lets the search merge a handful of ordered walks that stop after
 * one page. The pairs are found by a loose index scan: one seek per pair, never a read of the postings.
 */
export const MAX_EXPANSION = 32;
/**
 * Pairs of every kind are stepped over (a company or e-mail term may sit between two names), up to this
 * many; a prefix that spans more is wide ("o") and is better checked per order than expanded.
 */
export const MAX_SCAN = 256;

export type TermPair = [term: string, kind: TermKind];

/** The (term, kind) pairs of the filter's kinds that a prefix covers, or undefined when there are too many. */
export async function expandPrefix(db: Executor, f: TermFilter, max = MAX_EXPANSION): Promise<TermPair[] | undefined> {
  const all = await pairsInRange(db, f.prefix!);
  if (!all) return undefined;
  const kinds = new Set<string>(f.kinds);
  const pairs = all.filter(([, kind]) => kinds.has(kind));
  return pairs.length > max ? undefined : pairs;
}

/** Every distinct (term, kind) starting with `prefix`, by one index seek each; undefined past MAX_SCAN. */
async function pairsInRange(db: Executor, prefix: string): Promise<TermPair[] | undefined> {
  const upper = prefixUpperBound(prefix);
  const below = (t: string) => (upper === null ? sql`` : sql`and ${sql.ref(`${t}.term`)} < ${upper}`);
  if (isPostgres(db)) {
    // One round trip: a recursive walk where each step seeks the first entry after the previous pair.
    const { rows } = await sql<{ term: string; kind: TermKind }>`
      with recursive p(term, kind) as (
        (select t.term, t.kind from order_search_terms t where t.term >= ${prefix} ${below('t')} order by t.term, t.kind limit 1)
        union all
        select n.term, n.kind from p cross join lateral (
          select t.term, t.kind from order_search_terms t
          where (t.term, t.kind) > (p.term, p.kind) ${below('t')} order by t.term, t.kind limit 1
        ) n
      )
      select term, kind from p limit ${MAX_SCAN + 1}`.execute(db);
    return rows.length > MAX_SCAN ? undefined : rows.map((r) => [r.term, r.kind]);
  }
  // SQLite has no LATERAL; its seeks are in-process calls of microseconds, so they are issued one by one
  // (through a query compiled once: building it afresh would cost more than the seek).
  const pairs: TermPair[] = [];
  let after: [string, string] = [prefix, ''];
  while (pairs.length <= MAX_SCAN) {
    const args = { term: after[0], kind: after[1], upper: upper ?? '' };
    const { rows } = await (upper === null ? nextPairUnbounded : nextPairBelow)(db, args);
    const next = rows[0];
    if (!next) return pairs;
    pairs.push([next.term, next.kind as TermKind]);
    after = [next.term, next.kind];
  }
  return undefined;
}

type SeekArgs = { term: string; kind: string; upper: string };
const nextPair = (db: Executor, p: SeekArgs, bounded: boolean) => db
  .selectFrom('order_search_terms as t')
  .select(['t.term', 't.kind'])
  .where((eb) => eb(eb.refTuple('t.term', 't.kind'), '>', eb.tuple(p.term, p.kind)))
  .$if(bounded, (q) => q.where('t.term', '<', p.upper))
  .orderBy('t.term').orderBy('t.kind')
  .limit(1);
const nextPairBelow = prepared((db, p: SeekArgs) => nextPair(db, p, true));
const nextPairUnbounded = prepared((db, p: SeekArgs) => nextPair(db, p, false));

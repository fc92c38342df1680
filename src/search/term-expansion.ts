import { sql } from 'kysely';
import { type Executor, isPostgres } from '../db/database.js';
import type { TermKind } from './search-terms.js';
import { prefixUpperBound, type TermFilter } from './search-sql.js';

/**
 * A prefix filter ("smi" in names) names a range of the term index, and a range is not in creation order,
 * so newest-first would mean reading and sorting every match. But a prefix usually covers only a few
 * distinct terms ("smith", "smithers"), and each (term, kind) is already in creation order in the index.
 * Expanding the prefix into those pairs lets the search merge a handful of ordered walks that stop after
 * one page. The pairs are found by a loose index scan: a seek or two per pair, never a read of the postings.
 */
export const MAX_EXPANSION = 32;
/**
 * Pairs of every kind are stepped over (a company or e-mail term may sit between two names), up to this
 * many; a prefix that spans more is wide ("o") and is better checked per order than expanded.
 */
export const MAX_SCAN = 1024;

export type TermPair = [term: string, kind: TermKind];

/** The (term, kind) pairs of the filter's kinds that a prefix covers, or undefined when there are too many. */
export async function expandPrefix(db: Executor, f: TermFilter, max = MAX_EXPANSION): Promise<TermPair[] | undefined> {
  const all = await pairsInRange(db, f.prefix!);
  if (!all) return undefined;
  const kinds = new Set<string>(f.kinds);
  const pairs = all.filter(([, kind]) => kinds.has(kind));
  return pairs.length > max ? undefined : pairs;
}

/**
 * A word's filter expanded: the pairs every reading covers (free-text.ts gives all prefix readings of a
 * word the same kinds, so the pairs' terms and kinds still combine only into pairs that were found).
 * Undefined when a reading is exact (a phone number's many international forms: few exist, but finding
 * which would take a seek each) or the readings cover more than `max` pairs.
 */
export async function expandReadings(db: Executor, f: TermFilter, max = MAX_EXPANSION): Promise<TermPair[] | undefined> {
  const readings = [f, ...(f.or ?? [])];
  if (readings.some((r) => r.prefix === undefined)) return undefined;
  if (readings.length === 1) return expandPrefix(db, f, max);
  const each = await Promise.all(readings.map((r) => expandPrefix(db, { kinds: r.kinds, prefix: r.prefix! }, max)));
  if (each.some((pairs) => pairs === undefined)) return undefined;
  const seen = new Set<string>();
  const pairs = each.flatMap((p) => p!).filter(([term, kind]) => !seen.has(`${kind}\u0000${term}`) && !!seen.add(`${kind}\u0000${term}`));
  return pairs.length > max ? undefined : pairs;
}

/** Every distinct (term, kind) starting with `prefix`, in index order, in one statement; undefined past MAX_SCAN. */
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
  // SQLite has no LATERAL, so each step of the recursion carries the pair as one string (kind first: a
  // kind never holds the separator, a term might) and finds the next by two plain seeks: the next kind
  // under the same term, else the first entry of the next term. (A row-value bound `(term, kind) > (?, ?)`
  // is walked entry by entry through every posting of the current pair, ~1 ms for a common word such as
  // "lake"; one seek per call from Node would pay the driver's overhead per pair.)
  const kind = sql`substr(p.pair, 1, instr(p.pair, char(31)) - 1)`;
  const term = sql`substr(p.pair, instr(p.pair, char(31)) + 1)`;
  const { rows } = await sql<{ pair: string }>`
    with recursive p(pair) as (
      select * from (select t.kind || char(31) || t.term from order_search_terms t
        where t.term >= ${prefix} ${below('t')} order by t.term, t.kind limit 1)
      union all
      select coalesce(
        (select s.kind || char(31) || s.term from order_search_terms s where s.term = ${term} and s.kind > ${kind} order by s.kind limit 1),
        (select s.kind || char(31) || s.term from order_search_terms s where s.term > ${term} ${below('s')} order by s.term, s.kind limit 1))
      from p where p.pair is not null
      limit ${MAX_SCAN + 2}
    )
    select pair from p where pair is not null`.execute(db);
  if (rows.length > MAX_SCAN) return undefined;
  return rows.map(({ pair }) => {
    const at = pair.indexOf('\u001f');
    return [pair.slice(at + 1), pair.slice(0, at) as TermKind];
  });
}

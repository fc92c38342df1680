import type { Db } from '../db/database.js';
import { type RefreshProgress, refreshSearchTerms } from './refresh-search-terms.js';

/**
 * The revision of the word rules in termsForOrder. When they change what is stored, bump this and add a
 * migration that sets the mark below to the previous revision with `nextId: 0` on a database that has
 * orders; the `search-terms-refresh` job then brings the existing orders up to date while the server runs.
 */
// 2: parts of hyphenated and elided words ("jones" of "smith-jones", "obrien"); 3: the email domain.
export const SEARCH_TERMS_REVISION = 3;

const MARK = 'search_terms.refresh';

/** Orders are at `revision`; a refresh towards the current one has done every id below `nextId`. */
interface Mark { revision: number; nextId: number }

export interface UpgradeOutcome extends RefreshProgress { due: boolean }

/**
 * Refreshes the stored search terms of a database written under older rules, resuming where a previous
 * run stopped (progress is saved after every batch; a batch redone after a crash writes nothing twice).
 * No mark means nothing is due: the database got its first order under the current rules.
 */
export async function upgradeSearchTerms(db: Db, opts: { signal?: AbortSignal; batch?: number; onBatch?: (p: RefreshProgress) => void } = {}): Promise<UpgradeOutcome> {
  const row = await db.selectFrom('settings').select('value_json').where('key', '=', MARK).executeTakeFirst();
  const mark = row ? (JSON.parse(row.value_json) as Mark) : undefined;
  if (!mark || mark.revision >= SEARCH_TERMS_REVISION) return { due: false, orders: 0, added: 0, removed: 0, nextId: null };
  const save = (next: Mark) => db.updateTable('settings').set({ value_json: JSON.stringify(next) }).where('key', '=', MARK).execute();
  const done = await refreshSearchTerms(db, {
    fromId: mark.nextId,
    ...(opts.batch ? { batch: opts.batch } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onBatch: async (p) => {
      if (p.nextId !== null) await save({ revision: mark.revision, nextId: p.nextId });
      opts.onBatch?.(p);
    },
  });
  if (done.nextId === null) await save({ revision: SEARCH_TERMS_REVISION, nextId: 0 });
  return { due: true, ...done };
}

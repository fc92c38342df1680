import type { Executor, Trx } from '../../db/database.js';
import { AppError, invalid } from '../../shared/errors.js';
import { cachePerDatabase } from '../../db/database-cache.js';
import { changeSetting, readSetting } from '../../db/versioned-setting.js';

/** The reasons a person may give for a refund: a merchant-wide list kept in `settings`, versioned. */
export interface RefundReasons {
  reasons: string[];
  version: number;
}

const KEY = 'refund_reasons';
export const DEFAULT_REFUND_REASONS: readonly string[] = [
  'customer returned items', 'damaged in transit', 'item not as described', 'order cancelled', 'goodwill', 'duplicate charge', 'chargeback settlement',
];
const DEFAULTS: RefundReasons = { reasons: [...DEFAULT_REFUND_REASONS], version: 0 };
/** Several processes may serve one database: a change made in another one is seen within 5 s. */
const cache = cachePerDatabase(5_000, (db) => readRefundReasons(db));

export const getRefundReasons = (db: Executor): Promise<RefundReasons> => cache.get(db);

/** Straight from the database, for the settings screen (no cache: it must show what it will overwrite). */
export async function readRefundReasons(db: Executor): Promise<RefundReasons> {
  return (await readSetting(db, KEY, DEFAULTS)).value;
}

/** Replaces the list if `expectedVersion` is still current. Reasons already recorded on refunds keep their text, so removing one never rewrites history. */
export async function updateRefundReasons(trx: Trx, reasons: readonly string[], expectedVersion: number, actor: string, now = Date.now()): Promise<RefundReasons> {
  const cleaned = reasons.map((r) => r.trim());
  cleaned.forEach((r, i) => {
    if (!r) throw invalid(`/reasons/${i}`, 'a reason cannot be blank');
    if (cleaned.indexOf(r) !== i) throw invalid(`/reasons/${i}`, `"${r}" is listed twice`);
  });
  const current = await readSetting(trx, KEY, DEFAULTS);
  const next = await changeSetting(trx, current, { key: KEY, label: 'the refund reasons', expectedVersion, next: { reasons: cleaned }, actor, now });
  cache.invalidate();
  return next;
}

/** Refuses a reason that is not on the list (400 naming `/reason`). */
export async function requireRefundReason(db: Executor, reason: string): Promise<string> {
  const { reasons } = await getRefundReasons(db);
  const found = reasons.find((r) => r.toLowerCase() === reason.trim().toLowerCase());
  if (!found) throw new AppError('validation_failed', `"${reason}" is not a refund reason; choose one of: ${reasons.join(', ')}`, { field: '/reason', details: { allowed: reasons } });
  return found;
}

import type { Executor, Trx } from '../../db/database.js';
import { enqueueEvent } from '../../outbox/outbox.repository.js';
import { AppError, invalid } from '../../shared/errors.js';
import { cachePerDatabase } from '../../db/database-cache.js';

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
  const { raw: _raw, ...value } = await readReasons(db);
  return value;
}

async function readReasons(db: Executor): Promise<RefundReasons & { raw?: string }> {
  const row = await db.selectFrom('settings').select('value_json').where('key', '=', KEY).executeTakeFirst();
  return row ? { ...(JSON.parse(row.value_json) as RefundReasons), raw: row.value_json } : DEFAULTS;
}

/**
 * Replaces the list if `expectedVersion` is still current. Reasons already recorded on refunds keep their
 * text, so removing one from the list never rewrites history. The change goes out as a `settings.changed`
 * event with the actor and both lists, in the same transaction: there is no settings history table, and
 * the outbox is already the durable, ordered record other processes and an audit consumer read.
 */
export async function updateRefundReasons(trx: Trx, reasons: readonly string[], expectedVersion: number, actor: string, now = Date.now()): Promise<RefundReasons> {
  const cleaned = reasons.map((r) => r.trim());
  cleaned.forEach((r, i) => {
    if (!r) throw invalid(`/reasons/${i}`, 'a reason cannot be blank');
    if (cleaned.indexOf(r) !== i) throw invalid(`/reasons/${i}`, `"${r}" is listed twice`);
  });
  const current = await readReasons(trx);
  const stale = (version: number) =>
    new AppError('version_conflict', `the refund reasons are at version ${version}, not ${expectedVersion}; reload and try again`, { field: '/version' });
  if (current.version !== expectedVersion) throw stale(current.version);
  const next: RefundReasons = { reasons: cleaned, version: current.version + 1 };
  // Written only over the very value read: of two racing writers with the same version, one loses.
  const written = await trx.insertInto('settings').values({ key: KEY, value_json: JSON.stringify(next) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: JSON.stringify(next) }).where('settings.value_json', '=', current.raw ?? ''))
    .executeTakeFirst();
  if (Number(written.numInsertedOrUpdatedRows ?? 0) !== 1) throw stale(current.version + 1);
  await enqueueEvent(trx, 'settings.changed', { type: 'settings', id: KEY }, {
    key: KEY, actor, version: next.version, before: current.reasons, after: next.reasons,
  }, now);
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

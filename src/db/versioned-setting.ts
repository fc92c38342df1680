import { enqueueEvent } from '../outbox/outbox.repository.js';
import { AppError } from '../shared/errors.js';
import type { Executor, Trx } from './database.js';

/**
 * A merchant-wide setting kept as one versioned JSON value in `settings` (payment mode, A/R schedule,
 * refund reasons). Readers get the value with its version; a change names the version it was made
 * from and is refused (409) if another change landed first.
 */
export interface StoredSetting<T extends { version: number }> {
  value: T;
  /** The stored text, exactly as read: the change is written only over it. Undefined before the first change. */
  raw: string | undefined;
}

export async function readSetting<T extends { version: number }>(db: Executor, key: string, defaults: T): Promise<StoredSetting<T>> {
  const row = await db.selectFrom('settings').select('value_json').where('key', '=', key).executeTakeFirst();
  return row
    ? { value: { ...defaults, ...(JSON.parse(row.value_json) as Partial<T>) }, raw: row.value_json }
    : { value: defaults, raw: undefined };
}

export interface SettingChange<T> {
  key: string;
  /** How the setting is named in a conflict message: "the A/R schedule". */
  label: string;
  expectedVersion: number;
  next: Omit<T, 'version'>;
  actor: string;
  now: number;
}

/**
 * Writes the next value over the very text read (or into an empty slot), so of two writers that read the
 * same version exactly one wins, even where the read was not locked (SQLite's deferred transactions,
 * PostgreSQL's read committed). The change goes out as a `settings.changed` event with the actor and
 * both values in the same transaction: the outbox is the durable, ordered audit record of settings.
 */
export async function changeSetting<T extends { version: number }>(trx: Trx, current: StoredSetting<T>, change: SettingChange<T>): Promise<T> {
  const at = current.value.version;
  const stale = (version: number) => new AppError('version_conflict',
    `${change.label} ${change.label.endsWith('s') ? 'are' : 'is'} at version ${version}, not ${change.expectedVersion}; reload and try again`, { field: '/version' });
  if (at !== change.expectedVersion) throw stale(at);
  const next = { ...change.next, version: at + 1 } as T;
  const text = JSON.stringify(next);
  const written = await trx.insertInto('settings').values({ key: change.key, value_json: text })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: text }).where('settings.value_json', '=', current.raw ?? ''))
    .executeTakeFirst();
  if (Number(written.numInsertedOrUpdatedRows ?? 0) !== 1) throw stale(at + 1);
  const { version: _before, ...before } = current.value;
  const { version: _after, ...after } = next;
  await enqueueEvent(trx, 'settings.changed', { type: 'settings', id: change.key }, {
    key: change.key, actor: change.actor, version: next.version, before, after,
  }, change.now);
  return next;
}

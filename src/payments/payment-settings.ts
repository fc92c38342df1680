import type { Executor, Trx } from '../db/database.js';
import { AppError } from '../shared/errors.js';
import { cachePerDatabase } from '../db/database-cache.js';

/** How a card is charged when an order is placed: at once (`sale`), or held and captured later (`authorize`). */
export interface PaymentSettings {
  cardMode: 'sale' | 'authorize';
  version: number;
}

const KEY = 'payments';
const DEFAULTS: PaymentSettings = { cardMode: 'sale', version: 0 };
/** Read on every order placed. Several processes may serve one database: another one's change is seen within 5 s. */
const cache = cachePerDatabase(5_000, readPaymentSettings);

export const getPaymentSettings = (db: Executor): Promise<PaymentSettings> => cache.get(db);

/** Straight from the database, for the settings screen (it must show what a save would overwrite). */
export async function readPaymentSettings(db: Executor): Promise<PaymentSettings> {
  const row = await db.selectFrom('settings').select('value_json').where('key', '=', KEY).executeTakeFirst();
  return row ? { ...DEFAULTS, ...(JSON.parse(row.value_json) as Partial<PaymentSettings>) } : DEFAULTS;
}

export async function updatePaymentSettings(trx: Trx, change: Omit<PaymentSettings, 'version'>, expectedVersion: number): Promise<PaymentSettings> {
  const current = await trx.selectFrom('settings').select('value_json').where('key', '=', KEY).executeTakeFirst();
  const version = current ? (JSON.parse(current.value_json) as PaymentSettings).version : 0;
  const stale = (at: number) =>
    new AppError('version_conflict', `the payment settings are at version ${at}, not ${expectedVersion}; reload and try again`, { field: '/version' });
  if (version !== expectedVersion) throw stale(version);
  const next: PaymentSettings = { ...change, version: version + 1 };
  // Written only over the very value read (or into an empty slot): of two racing writers with one version, one loses.
  const written = await trx.insertInto('settings').values({ key: KEY, value_json: JSON.stringify(next) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: JSON.stringify(next) }).where('settings.value_json', '=', current?.value_json ?? ''))
    .executeTakeFirst();
  if (Number(written.numInsertedOrUpdatedRows ?? 0) !== 1) throw stale(version + 1);
  cache.invalidate();
  return next;
}

import type { Executor, Trx } from '../db/database.js';
import { AppError } from '../shared/errors.js';

/** How a card is charged when an order is placed: at once (`sale`), or held and captured later (`authorize`). */
export interface PaymentSettings {
  cardMode: 'sale' | 'authorize';
  version: number;
}

const KEY = 'payments';
const DEFAULTS: PaymentSettings = { cardMode: 'sale', version: 0 };
/** Several processes may serve one database: a change made in another one is seen within this long. */
const CACHE_MS = 5_000;
let cache: { db: Executor; at: number; value: PaymentSettings } | undefined;

export async function getPaymentSettings(db: Executor, now = Date.now()): Promise<PaymentSettings> {
  if (cache && cache.db === db && now - cache.at < CACHE_MS) return cache.value;
  const row = await db.selectFrom('settings').select('value_json').where('key', '=', KEY).executeTakeFirst();
  const value = row ? { ...DEFAULTS, ...(JSON.parse(row.value_json) as Partial<PaymentSettings>) } : DEFAULTS;
  cache = { db, at: now, value };
  return value;
}

export async function updatePaymentSettings(trx: Trx, change: Omit<PaymentSettings, 'version'>, expectedVersion: number): Promise<PaymentSettings> {
  const current = await trx.selectFrom('settings').select('value_json').where('key', '=', KEY).executeTakeFirst();
  const version = current ? (JSON.parse(current.value_json) as PaymentSettings).version : 0;
  if (version !== expectedVersion) {
    throw new AppError('version_conflict', `the payment settings are at version ${version}, not ${expectedVersion}; reload and try again`, { field: '/version' });
  }
  const next: PaymentSettings = { ...change, version: version + 1 };
  await trx.insertInto('settings').values({ key: KEY, value_json: JSON.stringify(next) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: JSON.stringify(next) })).execute();
  cache = undefined;
  return next;
}

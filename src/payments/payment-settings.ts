import type { Executor, Trx } from '../db/database.js';
import { cachePerDatabase } from '../db/database-cache.js';
import { changeSetting, readSetting } from '../db/versioned-setting.js';

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
  return (await readSetting(db, KEY, DEFAULTS)).value;
}

export async function updatePaymentSettings(
  trx: Trx, change: Omit<PaymentSettings, 'version'>, expectedVersion: number, actor: string, now = Date.now(),
): Promise<PaymentSettings> {
  const current = await readSetting(trx, KEY, DEFAULTS);
  const next = await changeSetting(trx, current, { key: KEY, label: 'the payment settings', expectedVersion, next: { cardMode: change.cardMode }, actor, now });
  cache.invalidate();
  return next;
}

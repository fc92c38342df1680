import type { Executor } from '../db/database.js';
import { cachePerDatabase } from '../db/database-cache.js';
import { findFraudSettingsRow } from './fraud.repository.js';
import type { FraudSettingsRow } from './fraud.table.js';
import { type CompiledFraudSettings, compileFraudSettings, DEFAULT_FRAUD_SETTINGS, type FraudSettings, withDefaults } from './fraud-settings.js';

/** The settings as stored, with the version an edit must name. Without a row they are the defaults, version 1. */
export interface FraudSettingsRecord {
  settings: FraudSettings;
  version: number;
  updatedAt: number | null;
  updatedBy: string | null;
}

export async function readFraudSettings(db: Executor): Promise<FraudSettingsRecord> {
  return toFraudSettingsRecord(await findFraudSettingsRow(db));
}

export function toFraudSettingsRecord(row: FraudSettingsRow | undefined): FraudSettingsRecord {
  if (!row) return { settings: DEFAULT_FRAUD_SETTINGS, version: 1, updatedAt: null, updatedBy: null };
  return {
    settings: withDefaults(JSON.parse(row.settings_json) as Partial<FraudSettings>),
    version: row.version, updatedAt: Number(row.updated_at), updatedBy: row.updated_by,
  };
}

/*
 * Every order reads the settings, so they are cached. A change made in this process is seen at once
 * (invalidateFraudSettingsCache); one made by another server within 5 seconds.
 */
const cache = cachePerDatabase(5_000, async (db) => compileFraudSettings((await readFraudSettings(db)).settings));

export async function loadCompiledFraudSettings(db: Executor): Promise<CompiledFraudSettings> {
  return cache.get(db);
}

/** The current settings (cached briefly), for callers that only need the plain values. */
export async function loadFraudSettings(db: Executor): Promise<FraudSettings> {
  return (await cache.get(db)).settings;
}

/**
 * Drops every cached copy in this process. Called when settings are saved, in the transaction and again
 * after the commit: an order assessed in between may reload the old row, and would otherwise keep it.
 */
export function invalidateFraudSettingsCache(): void {
  cache.invalidate();
}

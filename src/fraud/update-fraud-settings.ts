import type { Trx } from '../db/database.js';
import { type ExpectedVersion, requireExpectedVersion, staleVersion } from '../shared/versioning.js';
import { insertFraudAudit, insertFraudSettingsRow, lockFraudSettingsRow, updateFraudSettingsRow } from './fraud.repository.js';
import { type FraudSettings, normalizeFraudSettings } from './fraud-settings.js';
import { type FraudSettingsRecord, invalidateFraudSettingsCache, toFraudSettingsRecord } from './load-fraud-settings.js';

/**
 * Replaces the fraud settings. Needs the version the caller read (the defaults are version 1); a stale
 * write is refused whole. The audit row keeps the settings before and after, in the same transaction.
 * The caller should call invalidateFraudSettingsCache() again after the commit (see there).
 */
export async function updateFraudSettings(
  trx: Trx, input: FraudSettings, expected: ExpectedVersion | undefined, actor: string, now = Date.now(),
): Promise<FraudSettingsRecord> {
  const version = requireExpectedVersion(expected);
  const settings = normalizeFraudSettings(input);
  const locked = await lockFraudSettingsRow(trx);
  const current = locked ? locked.version : 1;
  if (version.version !== current) throw staleVersion('fraud settings', version, current);
  const stored = toFraudSettingsRecord(locked);
  const before = stored.settings;
  if (JSON.stringify(before) === JSON.stringify(settings)) return stored; // nothing changed: no new version, no audit row

  const row = { settings_json: JSON.stringify(settings), updated_at: now, updated_by: actor };
  // No row yet (the defaults): the primary key lets exactly one of two racing first saves through.
  const saved = locked ? await updateFraudSettingsRow(trx, current, row) : await insertFraudSettingsRow(trx, { ...row, version: 2 });
  if (!saved) throw staleVersion('fraud settings', version, current + 1);
  await insertFraudAudit(trx, { at: now, actor, action: 'settings_changed', detail: { version: saved.version, before, after: settings } });
  invalidateFraudSettingsCache();
  return { settings, version: saved.version, updatedAt: now, updatedBy: actor };
}

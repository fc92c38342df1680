import { toIso, toIsoOrNull } from '../shared/time.js';
import type { BlockDto, FraudSettingsDto } from './fraud.schemas.js';
import type { FraudBlockRow } from './fraud.table.js';
import type { FraudSettingsRecord } from './load-fraud-settings.js';

export function toFraudSettingsDto(record: FraudSettingsRecord): FraudSettingsDto {
  return { ...record.settings, version: record.version, updatedAt: toIsoOrNull(record.updatedAt), updatedBy: record.updatedBy };
}

export function toBlockDto(row: FraudBlockRow): BlockDto {
  return { id: row.id, kind: row.kind, value: row.value, reason: row.reason, createdAt: toIso(Number(row.created_at)), createdBy: row.created_by };
}

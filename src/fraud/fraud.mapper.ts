import { toIso, toIsoOrNull } from '../shared/time.js';
import type { BlockDto, FraudAuditDto, FraudSettingsDto } from './fraud.schemas.js';
import type { FraudAuditRow, FraudBlockRow } from './fraud.table.js';
import type { FraudSettingsRecord } from './load-fraud-settings.js';

export function toFraudSettingsDto(record: FraudSettingsRecord): FraudSettingsDto {
  return { ...record.settings, version: record.version, updatedAt: toIsoOrNull(record.updatedAt), updatedBy: record.updatedBy };
}

export function toBlockDto(row: FraudBlockRow): BlockDto {
  return { id: row.id, kind: row.kind, value: row.value, label: row.label ?? null, reason: row.reason, createdAt: toIso(Number(row.created_at)), createdBy: row.created_by };
}

export function toFraudAuditDto(row: FraudAuditRow): FraudAuditDto {
  return {
    id: row.id, at: toIso(Number(row.at)), actor: row.actor, action: row.action as FraudAuditDto['action'],
    detail: JSON.parse(row.detail_json) as Record<string, unknown>,
  };
}

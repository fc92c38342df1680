import type { Generated, Selectable } from 'kysely';

/** Row shapes of the fraud tables, exactly as stored (snake_case, epoch ms). */
export interface FraudSettingsTable {
  id: number;
  settings_json: string;
  version: number;
  updated_at: number;
  updated_by: string;
}

export interface FraudBlocksTable {
  id: Generated<number>;
  kind: string;
  value: string;
  /** What a person reads for the entry when the value is not readable: a card's "Visa ····4242, exp 12/31". */
  label: string | null;
  reason: string;
  created_at: number;
  created_by: string;
}

export interface FraudSignalsTable {
  kind: string;
  value: string;
  at: number;
  order_id: number;
}

export interface FraudAuditTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  detail_json: string;
}

export type FraudSettingsRow = Selectable<FraudSettingsTable>;
export type FraudAuditRow = Selectable<FraudAuditTable>;
export type FraudBlockRow = Selectable<FraudBlocksTable>;

/*
 * The fraud tables join the Database interface by declaration merging, so src/db/schema.ts needs one
 * line (the import of this file) instead of one per table.
 */
declare module '../db/schema.js' {
  interface Database {
    fraud_settings: FraudSettingsTable;
    fraud_blocks: FraudBlocksTable;
    fraud_signals: FraudSignalsTable;
    fraud_audit: FraudAuditTable;
  }
}

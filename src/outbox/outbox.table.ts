import type { Generated, Selectable } from 'kysely';

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  aggregate_type: string;
  aggregate_id: string;
  payload_json: string;
  created_at: number;
  attempts: Generated<number>;
  delivered_at: number | null;
  last_error: string | null;
}

export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number;
  response_json: string;
  created_at: number;
}

export type OutboxRow = Selectable<OutboxTable>;

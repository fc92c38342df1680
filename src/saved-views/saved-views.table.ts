import type { Generated, Selectable } from 'kysely';

export interface SavedViewsTable {
  id: Generated<number>;
  user_id: number;
  scope: string;
  name: string;
  query: string;
  columns_json: string;
  created_at: number;
  updated_at: number;
  version: Generated<number>;
}

export type SavedViewRow = Selectable<SavedViewsTable>;

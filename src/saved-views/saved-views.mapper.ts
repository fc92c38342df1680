import { toIso } from '../shared/time.js';
import type { SavedViewDto } from './saved-views.schemas.js';
import type { SavedViewRow } from './saved-views.table.js';

export function toSavedViewDto(row: SavedViewRow): SavedViewDto {
  return {
    id: row.id, scope: row.scope, name: row.name, query: row.query, columns: JSON.parse(row.columns_json) as string[],
    version: row.version, createdAt: toIso(row.created_at), updatedAt: toIso(row.updated_at),
  };
}

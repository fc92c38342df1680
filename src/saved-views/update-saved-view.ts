import { isUniqueViolation, type Trx } from '../db/database.js';
import type { SearchSettings } from '../search/find-orders.js';
import { checkSavedViewQuery } from './saved-view-query.js';
import { type ExpectedVersion, requireExpectedVersion, staleVersion } from '../shared/versioning.js';
import { duplicateName, lockSavedViewForChange, normalizeSavedView, type SavedViewFields } from './saved-view-input.js';
import { updateSavedViewRow } from './saved-views.repository.js';
import type { UpdateSavedViewInput } from './saved-views.schemas.js';
import type { SavedViewRow } from './saved-views.table.js';

/**
 * Renames a view or changes its search or columns. Like every editable record it needs the version the
 * caller read (two tabs of the same user can race too); a PATCH that changes nothing writes nothing.
 */
export async function updateSavedView(
  trx: Trx, userId: number, id: number, input: UpdateSavedViewInput, expected: ExpectedVersion | undefined, settings: SearchSettings, now = Date.now(),
): Promise<SavedViewRow> {
  const version = requireExpectedVersion(expected);
  const row = await lockSavedViewForChange(trx, userId, id, version);
  const current: SavedViewFields = { name: row.name, query: row.query, columns: JSON.parse(row.columns_json) as string[] };
  const next = normalizeSavedView({ name: input.name ?? current.name, query: input.query ?? current.query, columns: input.columns ?? current.columns });
  if (JSON.stringify(next) === JSON.stringify(current)) return row;
  // Only a query being written is checked: a rename leaves a view saved before the check as it was.
  if (next.query !== current.query) checkSavedViewQuery(row.scope, next.query, settings);
  let updated: SavedViewRow | undefined;
  try {
    updated = await updateSavedViewRow(trx, userId, row.id, row.version, {
      name: next.name, query: next.query, columns_json: JSON.stringify(next.columns), updated_at: now,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(row.scope, next.name);
    throw error;
  }
  if (!updated) throw staleVersion('saved view', version, row.version + 1);
  return updated;
}

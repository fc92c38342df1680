import { isUniqueViolation, type Trx } from '../db/database.js';
import type { SearchSettings } from '../search/find-orders.js';
import { checkSavedViewQuery } from './saved-view-query.js';
import { duplicateName, normalizeSavedView } from './saved-view-input.js';
import { insertSavedView } from './saved-views.repository.js';
import type { CreateSavedViewInput } from './saved-views.schemas.js';
import type { SavedViewRow } from './saved-views.table.js';

/**
 * Saves a named view of an order list for one user. No outbox event and no history row, here or on
 * update and delete: a saved view is a personal preference of the back office, not a change to an order
 * or to anything a webhook subscriber or an auditor follows.
 */
export async function createSavedView(
  trx: Trx, userId: number, input: CreateSavedViewInput, settings: SearchSettings, now = Date.now(),
): Promise<SavedViewRow> {
  const fields = normalizeSavedView({ name: input.name, query: input.query ?? '', columns: input.columns ?? [] });
  checkSavedViewQuery(input.scope, fields.query, settings);
  try {
    // The unique index is the check: a look-up first would not hold between two concurrent saves.
    return await insertSavedView(trx, {
      user_id: userId, scope: input.scope, name: fields.name, query: fields.query, columns_json: JSON.stringify(fields.columns),
      created_at: now, updated_at: now,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(input.scope, fields.name);
    throw error;
  }
}

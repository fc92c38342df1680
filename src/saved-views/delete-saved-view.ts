import type { Trx } from '../db/database.js';
import type { ExpectedVersion } from '../shared/versioning.js';
import { lockSavedViewForChange } from './saved-view-input.js';
import { deleteSavedViewRow } from './saved-views.repository.js';

/** Deletes one of the user's views. If-Match is honoured when sent, not required. */
export async function deleteSavedView(trx: Trx, userId: number, id: number, expected: ExpectedVersion | undefined): Promise<void> {
  const row = await lockSavedViewForChange(trx, userId, id, expected);
  await deleteSavedViewRow(trx, userId, row.id);
}

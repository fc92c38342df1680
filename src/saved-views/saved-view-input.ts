import type { Trx } from '../db/database.js';
import { AppError, invalid, notFound } from '../shared/errors.js';
import { type ExpectedVersion, staleVersion } from '../shared/versioning.js';
import { lockSavedView } from './saved-views.repository.js';
import type { SavedViewRow } from './saved-views.table.js';

/** The editable part of a saved view, as create and update both normalise it. */
export interface SavedViewFields {
  name: string;
  query: string;
  columns: string[];
}

/** Names are compared as shown, so surrounding spaces would make two views look alike. */
export function normalizeSavedView(f: SavedViewFields): SavedViewFields {
  const name = f.name.trim();
  if (!name) throw invalid('/name', 'needs at least one character that is not a space');
  // A pasted "?stage=hold" and "stage=hold" are the same search.
  return { name, query: f.query.trim().replace(/^\?/, ''), columns: f.columns };
}

export const duplicateName = (scope: string, name: string) =>
  new AppError('duplicate', `you already have a saved view named "${name}" in ${scope}`, { field: '/name' });

/** Loads and locks one of the user's views for a change, refusing a stale writer before anything is touched. */
export async function lockSavedViewForChange(trx: Trx, userId: number, id: number, expected?: ExpectedVersion): Promise<SavedViewRow> {
  const row = await lockSavedView(trx, userId, id);
  if (!row) throw notFound('saved view', id);
  if (expected && expected.version !== row.version) throw staleVersion('saved view', expected, row.version);
  return row;
}

import { type Executor, isPostgres, type Trx } from '../db/database.js';
import type { SavedViewRow, SavedViewsTable } from './saved-views.table.js';

type NewSavedViewRow = Omit<SavedViewsTable, 'id' | 'version'>;
type SavedViewPatch = Partial<Pick<SavedViewsTable, 'name' | 'query' | 'columns_json' | 'updated_at'>>;

/*
 * Every query names the owner: a view of another user is simply not found, so no caller can read or
 * change it by guessing ids.
 */

/** A user's views, by scope then name (the order of the unique index, so no sort step). */
export async function listSavedViewRows(db: Executor, userId: number, scope?: string): Promise<SavedViewRow[]> {
  let query = db.selectFrom('saved_views').selectAll().where('user_id', '=', userId);
  if (scope !== undefined) query = query.where('scope', '=', scope);
  return query.orderBy('scope').orderBy('name').execute();
}

export async function findSavedView(db: Executor, userId: number, id: number): Promise<SavedViewRow | undefined> {
  return db.selectFrom('saved_views').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** Reads the view and, on PostgreSQL, locks it until the transaction ends (SQLite has one writer). */
export async function lockSavedView(trx: Trx, userId: number, id: number): Promise<SavedViewRow | undefined> {
  const query = trx.selectFrom('saved_views').selectAll().where('id', '=', id).where('user_id', '=', userId);
  return (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
}

export async function insertSavedView(trx: Trx, row: NewSavedViewRow): Promise<SavedViewRow> {
  return trx.insertInto('saved_views').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates only if the row still has `version`; undefined when someone else got there first. */
export async function updateSavedViewRow(trx: Trx, userId: number, id: number, version: number, patch: SavedViewPatch): Promise<SavedViewRow | undefined> {
  return trx
    .updateTable('saved_views')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSavedViewRow(trx: Trx, userId: number, id: number): Promise<void> {
  await trx.deleteFrom('saved_views').where('id', '=', id).where('user_id', '=', userId).execute();
}

import type SqliteDatabase from 'better-sqlite3';
import { type Db, sqliteHandleOf } from '../db/database.js';

/**
 * Loading a large seed into a near-empty SQLite database is several times faster with the secondary
 * indexes built once at the end (one sort each) than maintained row by row, and with search terms
 * collected unsorted and inserted into their index-ordered table in one sorted pass. The index
 * definitions are parked in `settings` first, so an interrupted load is finished on the next start
 * (finishBulkLoad) instead of leaving a database without indexes.
 */
const PENDING_KEY = 'seed.bulk_load_indexes';
const TABLES = ['orders', 'order_items', 'order_history', 'order_search_terms'];
export const STAGED_TERMS_TABLE = 'seed_staged_terms';

export function startBulkLoad(sqlite: SqliteDatabase.Database): void {
  sqlite.transaction(() => {
    if (sqlite.prepare(`select 1 from settings where key = ?`).get(PENDING_KEY)) return; // an interrupted load: keep its list
    const indexes = sqlite
      .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${TABLES.map(() => '?').join(', ')})`)
      .all(...TABLES) as { name: string; sql: string }[];
    sqlite.prepare(`insert into settings (key, value_json) values (?, ?)`).run(PENDING_KEY, JSON.stringify(indexes.map((i) => i.sql)));
    for (const index of indexes) sqlite.exec(`drop index "${index.name}"`);
    sqlite.exec(`create table if not exists ${STAGED_TERMS_TABLE} (term text not null, kind text not null, created_at integer not null, order_id integer not null)`);
  })();
}

/** Moves the staged terms into place and rebuilds the parked indexes; does nothing when no load is pending. */
export function finishBulkLoad(sqlite: SqliteDatabase.Database): boolean {
  const pending = sqlite.prepare(`select value_json from settings where key = ?`).pluck().get(PENDING_KEY) as string | undefined;
  if (pending === undefined) return false;
  sqlite.transaction(() => {
    const staged = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(STAGED_TERMS_TABLE);
    if (staged) {
      sqlite.exec(`insert into order_search_terms (term, kind, created_at, order_id)
        select term, kind, created_at, order_id from ${STAGED_TERMS_TABLE} order by term, kind, created_at, order_id`);
      sqlite.exec(`drop table ${STAGED_TERMS_TABLE}`);
    }
    for (const statement of JSON.parse(pending) as string[]) {
      sqlite.exec(statement.replace(/^create (unique )?index /i, (m) => `${m}if not exists `));
    }
    sqlite.prepare(`delete from settings where key = ?`).run(PENDING_KEY);
  })();
  return true;
}

/** Completes a bulk seed that was interrupted (its indexes are parked); run before serving or seeding. */
export function finishInterruptedSeed(db: Db): boolean {
  const sqlite = sqliteHandleOf(db);
  return sqlite ? finishBulkLoad(sqlite) : false;
}

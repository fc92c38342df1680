import type SqliteDatabase from 'better-sqlite3';
import { type Db, sqliteHandleOf } from '../db/database.js';
import { termsForOrder } from '../search/search-terms.js';

/**
 * Loading a large seed into a near-empty SQLite database is several times faster with the secondary
 * indexes that would be updated all over built once at the end (one sort each), and with the search terms
 * inserted once, in key order, after the orders. The index definitions and the first order id whose
 * terms are still to come are parked in `settings` first, so an interrupted load is finished on the
 * next start (finishBulkLoad) instead of leaving a database without indexes or search terms.
 */
const PENDING_KEY = 'seed.bulk_load_indexes';
const TERMS_KEY = 'seed.bulk_load_terms_from';
/**
 * Parked: the indexes whose keys do not follow the order the seed writes rows in. The others (creation
 * time, stage and time, order id, …) only ever grow at their right edge during a load, which costs
 * less than scanning a gigabyte-sized orders table once per index to build them afterwards.
 */
const PARKED = ['orders_total_idx', 'orders_customer_idx', 'order_search_terms_order_idx'];
const TERMS_TABLE = 'order_search_terms';
/** Where loads started by earlier versions staged their search terms; still moved into place if found. */
export const STAGED_TERMS_TABLE = 'seed_staged_terms';

export function startBulkLoad(sqlite: SqliteDatabase.Database): void {
  sqlite.transaction(() => {
    if (sqlite.prepare(`select 1 from settings where key = ?`).get(PENDING_KEY)) return; // an interrupted load: keep its list
    const indexes = sqlite
      .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and name in (${PARKED.map(() => '?').join(', ')})`)
      .all(...PARKED) as { name: string; sql: string }[];
    const nextOrderId = sqlite.prepare(
      `select 1 + max(coalesce((select max(id) from orders), 0), coalesce((select seq from sqlite_sequence where name = 'orders'), 0))`,
    ).pluck().get() as number;
    const park = sqlite.prepare(`insert into settings (key, value_json) values (?, ?)`);
    park.run(PENDING_KEY, JSON.stringify(indexes.map((i) => i.sql)));
    park.run(TERMS_KEY, JSON.stringify(nextOrderId));
    for (const index of indexes) sqlite.exec(`drop index "${index.name}"`);
  })();
}

const pendingIndexes = (sqlite: SqliteDatabase.Database) => {
  const json = sqlite.prepare(`select value_json from settings where key = ?`).pluck().get(PENDING_KEY) as string | undefined;
  return json === undefined ? undefined : (JSON.parse(json) as string[]);
};
const tableOf = (indexSql: string) => /\son\s+"?(\w+)"?\s*\(/i.exec(indexSql)?.[1];

function createIndexes(sqlite: SqliteDatabase.Database, statements: readonly string[]): void {
  for (const statement of statements) sqlite.exec(statement.replace(/^create (unique )?index /i, (m) => `${m}if not exists `));
}

/**
 * Builds the parked indexes of every table but the search terms while the load stays pending, so
 * they are built while the search terms are still being sorted.
 */
export function buildOrderIndexes(sqlite: SqliteDatabase.Database): void {
  const pending = pendingIndexes(sqlite);
  if (pending) sqlite.transaction(() => createIndexes(sqlite, pending.filter((s) => tableOf(s) !== TERMS_TABLE)))();
}

/**
 * Completes a pending load in one transaction: `writeTerms` inserts the load's search terms (sorted);
 * without it they are recomputed from the stored orders, as after an interrupted load. Then the parked
 * indexes are rebuilt. Does nothing when no load is pending.
 */
export function finishBulkLoad(sqlite: SqliteDatabase.Database, writeTerms?: () => void): boolean {
  const pending = pendingIndexes(sqlite);
  if (pending === undefined) return false;
  sqlite.transaction(() => {
    const staged = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(STAGED_TERMS_TABLE);
    if (staged) {
      sqlite.exec(`insert into order_search_terms (term, kind, created_at, order_id)
        select term, kind, created_at, order_id from ${STAGED_TERMS_TABLE} order by term, kind, created_at, order_id`);
      sqlite.exec(`drop table ${STAGED_TERMS_TABLE}`);
    }
    const termsFrom = sqlite.prepare(`select value_json from settings where key = ?`).pluck().get(TERMS_KEY) as string | undefined;
    if (termsFrom !== undefined && writeTerms) writeTerms();
    createIndexes(sqlite, pending);
    if (termsFrom !== undefined && !writeTerms) recomputeTerms(sqlite, JSON.parse(termsFrom) as number);
    sqlite.prepare(`delete from settings where key in (?, ?)`).run(PENDING_KEY, TERMS_KEY);
  })();
  return true;
}

/** The search terms of orders fromId and later, derived from the stored rows the way the order writer derives them. */
function recomputeTerms(sqlite: SqliteDatabase.Database, fromId: number): void {
  sqlite.prepare(`delete from ${TERMS_TABLE} where order_id >= ?`).run(fromId);
  const page = sqlite.prepare(`select id, order_number, customer_email, billing_json, shipping_json, tags_json, custom_fields_json, created_at
    from orders where id >= ? order by id limit 5000`);
  const skus = sqlite.prepare(`select sku from order_items where order_id = ? order by line_no`).pluck();
  const insert = sqlite.prepare(`insert into ${TERMS_TABLE} (term, kind, created_at, order_id) values (?, ?, ?, ?)`);
  type Row = { id: number; order_number: string; customer_email: string; billing_json: string; shipping_json: string; tags_json: string; custom_fields_json: string; created_at: number };
  for (let next = fromId; ;) {
    const rows = page.all(next) as Row[];
    if (rows.length === 0) return;
    for (const r of rows) {
      const billing = JSON.parse(r.billing_json);
      const terms = termsForOrder({
        orderNumber: r.order_number, email: r.customer_email,
        addresses: r.billing_json === r.shipping_json ? [billing] : [billing, JSON.parse(r.shipping_json)],
        skus: skus.all(r.id) as string[], tags: JSON.parse(r.tags_json), customFields: JSON.parse(r.custom_fields_json),
      });
      for (const t of terms) insert.run(t.term, t.kind, r.created_at, r.id);
    }
    next = rows.at(-1)!.id + 1;
  }
}

/** Completes a bulk seed that was interrupted (its indexes are parked); run before serving or seeding. */
export function finishInterruptedSeed(db: Db): boolean {
  const sqlite = sqliteHandleOf(db);
  return sqlite ? finishBulkLoad(sqlite) : false;
}

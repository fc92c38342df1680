import { sql } from 'kysely';
import { type Executor, isPostgres, type Trx } from '../db/database.js';
import { preparedPerCount } from '../db/prepared.js';
import type { ItemSort } from './catalog.schemas.js';
import type { CatalogItemRow, CatalogItemsTable } from './catalog.table.js';

type NewItemRow = Omit<CatalogItemsTable, 'id' | 'version'>;
type ItemPatch = Partial<Omit<CatalogItemsTable, 'id' | 'sku' | 'version' | 'created_at'>>;

export interface ItemFilter {
  sort: ItemSort;
  /** The sort key of the last row of the previous page. */
  after?: string | number | undefined;
  skuPrefix?: string | undefined;
  text?: string | undefined;
  preorder?: boolean | undefined;
  shippable?: boolean | undefined;
  limit: number;
}

/** `%` and `_` in user text are literal, not wildcards. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function findItemBySku(db: Executor, sku: string): Promise<CatalogItemRow | undefined> {
  return db.selectFrom('catalog_items').selectAll().where('sku', '=', sku).executeTakeFirst();
}

const bySkusQuery = preparedPerCount((db, p: Record<string, string>, count) => db.selectFrom('catalog_items').selectAll()
  .where('sku', 'in', Array.from({ length: count }, (_, i) => p[`sku${i}`]!)));

/**
 * The catalog items with these SKUs (an order's lines). Sent through executeQuery, as prepared queries
 * are, so order creation can send it in a batch with its other first reads.
 */
export async function findItemsBySkus(db: Executor, skus: readonly string[]): Promise<CatalogItemRow[]> {
  const unique = [...new Set(skus)];
  if (unique.length === 0) return [];
  return (await bySkusQuery(db, unique.length, Object.fromEntries(unique.map((sku, i) => [`sku${i}`, sku])))).rows;
}

/** Reads the item and, on PostgreSQL, locks its row until the transaction ends (SQLite already has one writer). */
export async function lockItemBySku(trx: Trx, sku: string): Promise<CatalogItemRow | undefined> {
  const query = trx.selectFrom('catalog_items').selectAll().where('sku', '=', sku);
  return (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
}

export async function insertItem(trx: Trx, row: NewItemRow): Promise<CatalogItemRow> {
  return trx.insertInto('catalog_items').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates only if the row still has `version`; undefined when someone else got there first. */
export async function updateItemRow(trx: Trx, id: number, version: number, patch: ItemPatch): Promise<CatalogItemRow | undefined> {
  return trx
    .updateTable('catalog_items')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteItemRow(trx: Trx, id: number): Promise<void> {
  await trx.deleteFrom('catalog_items').where('id', '=', id).execute();
}

/**
 * One keyset page (limit + 1 rows, so the caller knows whether another page exists). Both sort keys
 * are unique, so "after the last key" never skips or repeats a row even while items are added.
 */
export async function findItems(db: Executor, f: ItemFilter): Promise<CatalogItemRow[]> {
  let query = db.selectFrom('catalog_items').selectAll();
  if (f.skuPrefix) {
    // The range bound lets the sku index do the work; substr makes the match exact and case-sensitive
    // on both databases (SQLite's LIKE ignores case, PostgreSQL's does not).
    query = query
      .where('sku', '>=', f.skuPrefix)
      .where(sql<string>`substr(sku, 1, ${sql.lit([...f.skuPrefix].length)})`, '=', f.skuPrefix);
  }
  if (f.text) query = query.where(sql<boolean>`lower(description) like ${`%${escapeLike(f.text.toLowerCase())}%`} escape '\\'`);
  if (f.preorder !== undefined) query = query.where('preorder', '=', f.preorder ? 1 : 0);
  if (f.shippable !== undefined) query = query.where('shippable', '=', f.shippable ? 1 : 0);
  if (f.after !== undefined) query = f.sort === 'sku' ? query.where('sku', '>', String(f.after)) : query.where('id', '>', Number(f.after));
  return query.orderBy(f.sort).limit(f.limit + 1).execute();
}

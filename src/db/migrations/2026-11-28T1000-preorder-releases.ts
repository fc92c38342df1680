import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application.
 *  - preorder_releases: "this item became available", written in the transaction of the catalog edit
 *    that made it so; the pre-order release job walks the orders waiting on the SKU after commit,
 *    saving its place (after_order_id) after each batch, and stamps finished_at when the walk is done.
 *  - order_items_preorder_sku_idx: the pre-order lines by SKU, so that walk reads only the lines of
 *    that SKU. Partial, so it holds pre-order lines only, a small part of all lines.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('preorder_releases')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('after_order_id', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('released', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('preorder_releases_open_idx').on('preorder_releases').column('id')
    .where(sql.ref('finished_at'), 'is', null).execute();
  await db.schema.createIndex('order_items_preorder_sku_idx').on('order_items').columns(['sku', 'order_id'])
    .where(sql.ref('preorder'), '=', 1).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('order_items_preorder_sku_idx').ifExists().execute();
  await db.schema.dropTable('preorder_releases').ifExists().execute();
}

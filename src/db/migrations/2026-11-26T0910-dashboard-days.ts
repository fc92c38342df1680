import type { Kysely } from 'kysely';

/*
 * Frozen in time: imports nothing from the application. Orders and revenue of each finished UTC day,
 * computed lazily by the dashboard the first time it needs that day, so the order-creation path writes
 * nothing for it. One row per day; `generation` is bumped when an order of that (finished) day changes
 * its total, and the figures are current only while `computed_generation` equals it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dashboard_days')
    .addColumn('day_start', 'bigint', (c) => c.primaryKey()) // UTC midnight, epoch ms
    .addColumn('generation', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('computed_generation', 'bigint')
    .addColumn('figures_json', 'text') // [{ currency, orders, revenue }]; null until computed
    .addColumn('computed_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dashboard_days').ifExists().execute();
}

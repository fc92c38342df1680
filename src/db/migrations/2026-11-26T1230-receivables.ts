import { type Kysely, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application. Accounts Receivable retries and the jobs that
 * run them:
 *  - job_leases: one row per periodic job; the process whose lease is current runs it, so several
 *    servers on one database do not run the same job at once, and a dead owner's lease simply expires;
 *  - ar_days: rejections made by the A/R retry schedule per UTC day, maintained in the transaction
 *    that rejects, so the statistics page reads a handful of rows;
 *  - payment_ledger_ar_idx: the A/R retries (idempotency keys `ar:…`) by time, partial so that it costs
 *    nothing to every other ledger insert and the statistics read only the window they show.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ar_days')
    .addColumn('day', 'text', (c) => c.primaryKey()) // YYYY-MM-DD, UTC
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema.createIndex('payment_ledger_ar_idx').on('payment_ledger').columns(['created_at', 'id'])
    .where(sql.ref('idempotency_key'), 'like', sql.lit('ar:%')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('payment_ledger_ar_idx').ifExists().execute();
  await db.schema.dropTable('ar_days').ifExists().execute();
  await db.schema.dropTable('job_leases').ifExists().execute();
}

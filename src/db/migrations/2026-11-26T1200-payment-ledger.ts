import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application. The payment ledger: one row per money-moving
 * operation, written *before* the gateway is called (status `started`) and resolved after, so a crash
 * between the two leaves a row that recovery finishes with the same idempotency key instead of an
 * unknown charge. The order keeps what is derived from its rows (paid, authorized, refunded totals and
 * the payment status) so every list can filter and sort on them without reading the ledger.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = pg ? 'bigserial' : 'integer';
  await db.schema
    .createTable('payment_ledger')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('parent_id', 'bigint')
    .addColumn('source_token', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('gateway_reference', 'text')
    .addColumn('decline_code', 'text')
    .addColumn('message', 'text')
    .addColumn('avs', 'text')
    .addColumn('cvv', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('details_json', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('next_attempt_at', 'bigint')
    .execute();
  await db.schema.createIndex('payment_ledger_order_idx').on('payment_ledger').columns(['order_id', 'id']).execute();
  // Notifications name the gateway's transaction; this finds the ledger row (and so the order) behind it.
  await db.schema.createIndex('payment_ledger_reference_idx').on('payment_ledger').columns(['gateway', 'gateway_reference']).execute();
  // Recovery's queue: operations whose outcome is not known yet. Partial, so it stays tiny.
  await db.schema.createIndex('payment_ledger_open_idx').on('payment_ledger').columns(['next_attempt_at', 'id'])
    .where(sql.ref('status'), 'in', sql`('started', 'unknown')`).execute();

  await db.schema.alterTable('orders').addColumn('paid_total', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('orders').addColumn('authorized_total', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  // Set while a chargeback is open: refunds are refused (the card network is already returning the money).
  await db.schema.alterTable('orders').addColumn('refund_blocked', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payment_ledger').ifExists().execute();
  for (const column of ['paid_total', 'authorized_total', 'refund_blocked']) await db.schema.alterTable('orders').dropColumn(column).execute();
}

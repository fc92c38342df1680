import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application.
 *  - outbound_emails: the mail outbox. A row is written in the transaction of the action that sends it and
 *    delivered after commit by the mail deliverer, which claims a row (claim_token, claimed_until) with a
 *    conditional update before sending, so two deliverers never send the same row.
 *  - pay_links: payment requests sent to a customer. The link itself is never stored, only its SHA-256
 *    hash; revoked_at / used_at / expires_at and the attempt count decide whether it still works.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = pg ? 'bigserial' : 'integer';

  await db.schema
    .createTable('outbound_emails')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text')
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('order_id', 'bigint', (c) => c.references('orders.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    // When the next delivery may be tried; null once sent or given up on.
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('claim_token', 'text')
    .addColumn('claimed_until', 'bigint')
    .execute();
  // The deliverer's queue: unsent rows by due time. Partial, so it stays as small as the backlog.
  await db.schema.createIndex('outbound_emails_due_idx').on('outbound_emails').columns(['next_attempt_at', 'id'])
    .where(sql.ref('sent_at'), 'is', null).execute();
  await db.schema.createIndex('outbound_emails_order_idx').on('outbound_emails').columns(['order_id', 'id']).execute();

  await db.schema
    .createTable('pay_links')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('amount_due', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('pay_links_order_idx').on('pay_links').columns(['order_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('pay_links').ifExists().execute();
  await db.schema.dropTable('outbound_emails').ifExists().execute();
}

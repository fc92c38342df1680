import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application. Asynchronous gateway notifications (cleared,
 * failed, chargeback), one row per (gateway, event id): the primary key is what makes a redelivered
 * notification a no-op, whichever process receives it. `status` says how far the event got
 * (received → applied | ignored); `payload_json` keeps the verified body for audit.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const withoutRowid = pg ? sql`` : sql`without rowid`;
  await db.schema
    .createTable('gateway_events')
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull()) // the gateway's transaction reference
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('gateway_events_pk', ['gateway', 'event_id'])
    .modifyEnd(withoutRowid)
    .execute();
  // Events of one transaction in the order they happened (they may arrive in another order).
  await db.schema.createIndex('gateway_events_reference_idx').on('gateway_events').columns(['gateway', 'reference', 'occurred_at']).execute();
  // The applier's queue: events not yet applied, oldest first.
  await db.schema.createIndex('gateway_events_status_idx').on('gateway_events').columns(['status', 'received_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('gateway_events').ifExists().execute();
}

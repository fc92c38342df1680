import { type Kysely, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application. Recovered revenue counts every payment collected
 * for an order while it waited in Accounts Receivable, not only the retries: A/R retries (keys `ar:…`),
 * payments through payment-request links (`paylink:…`) and payments marked paid (`offline:…`).
 * payment_ledger_ar_collections_idx holds exactly those rows by time, partial so that it costs nothing to
 * every other ledger insert and the statistics read only the window they show. It covers what
 * payment_ledger_ar_idx (`ar:…` only) did, which it replaces. A query uses it by repeating its predicate
 * word for word (SQLite matches a partial index's OR only so).
 */
const COLLECTED = sql<boolean>`(idempotency_key like 'ar:%' or idempotency_key like 'paylink:%' or idempotency_key like 'offline:%')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('payment_ledger_ar_collections_idx').on('payment_ledger').columns(['created_at', 'id']).where(COLLECTED).execute();
  await db.schema.dropIndex('payment_ledger_ar_idx').ifExists().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('payment_ledger_ar_idx').on('payment_ledger').columns(['created_at', 'id'])
    .where(sql.ref('idempotency_key'), 'like', sql.lit('ar:%')).execute();
  await db.schema.dropIndex('payment_ledger_ar_collections_idx').ifExists().execute();
}

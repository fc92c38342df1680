import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application. The card vault: numbers exist here only as
 * AES-256-GCM ciphertext (binary: BLOB on SQLite, BYTEA on PostgreSQL) with the id of the key that
 * sealed it. Tokens use the "C" collation on PostgreSQL so key rotation walks them in byte order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const bytes = pg ? 'bytea' : 'blob';
  const textC = pg ? sql`text collate "C"` : sql`text`;

  await db.schema
    .createTable('vault_cards')
    .addColumn('token', textC, (c) => c.primaryKey())
    .addColumn('key_id', textC, (c) => c.notNull())
    .addColumn('iv', bytes, (c) => c.notNull())
    .addColumn('ciphertext', bytes, (c) => c.notNull())
    .addColumn('auth_tag', bytes, (c) => c.notNull())
    .addColumn('brand', 'text', (c) => c.notNull())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('exp_month', 'integer', (c) => c.notNull())
    .addColumn('exp_year', 'integer', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  // "This card again" (fraud velocity, block lists) looks cards up by fingerprint.
  await db.schema.createIndex('vault_cards_fingerprint_idx').on('vault_cards').column('fingerprint').execute();
  // Key rotation finds the cards of an old key, in token order, without reading the others.
  await db.schema.createIndex('vault_cards_key_idx').on('vault_cards').columns(['key_id', 'token']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vault_cards').ifExists().execute();
}

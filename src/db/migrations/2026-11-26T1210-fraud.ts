import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application. The fraud rules engine:
 *  - fraud_settings: one row (id 1) of rule settings as JSON, versioned for optimistic concurrency; no
 *    row means "the defaults", so a fresh install needs nothing here;
 *  - fraud_blocks: block lists (ip, email, card fingerprint, address key), one row per (kind, value);
 *  - fraud_signals: one row per (kind, value) of every placed order, so velocity ("orders from this IP
 *    in the last hour") is a range count on the primary key instead of a scan of orders;
 *  - fraud_audit: who changed the settings or the block lists, written in the same transaction.
 * No foreign key from fraud_signals to orders: signals outlive a deleted test order harmlessly, and the
 * order-creation path pays for no extra lookup.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = pg ? 'bigserial' : 'integer';
  const textC = pg ? sql`text collate "C"` : sql`text`;
  const withoutRowid = pg ? sql`` : sql`without rowid`;

  await db.schema
    .createTable('fraud_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey()) // always 1
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('fraud_blocks')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('kind', textC, (c) => c.notNull()) // ip | email | card | address
    .addColumn('value', textC, (c) => c.notNull()) // normalised; see fraud-values.ts
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    // Also the index of the per-order look-up "is any of these values blocked?".
    .addUniqueConstraint('fraud_blocks_kind_value_key', ['kind', 'value'])
    .execute();
  // The block list page: newest first, optionally of one kind, keyset-paged by id.
  await db.schema.createIndex('fraud_blocks_kind_id_idx').on('fraud_blocks').columns(['kind', 'id']).execute();

  // The primary key is the velocity index; on SQLite the table *is* that index (without rowid), so a
  // count reads nothing else. order_id in the key makes recording a placed order twice a no-op.
  await sql`create table fraud_signals (
      kind ${textC} not null,
      value ${textC} not null,
      at bigint not null,
      order_id bigint not null,
      primary key (kind, value, at, order_id)
    ) ${withoutRowid}`.execute(db);
  // Pruning signals older than the longest velocity window is a range delete, not a scan.
  await db.schema.createIndex('fraud_signals_at_idx').on('fraud_signals').column('at').execute();

  if (pg) {
    /*
     * The per-order look-up (blocks and velocity counts, see fraud.repository.ts) as a function: the
     * statement has a branch per value, and PostgreSQL plans an unprepared statement afresh on every
     * call (the driver does not name statements), which cost more than running it. PL/pgSQL keeps the
     * plan of each inner query for the life of the connection. Measured on the bench machine: 640 µs
     * per call as one statement, 300 µs through the function.
     */
    await sql`create function fraud_lookup(
        block_kinds text[], block_values text[],
        probe_kinds text[], probe_values text[], probe_from bigint[], probe_caps integer[], upto bigint)
      returns table (src text, lookup_kind text, lookup_value text, n bigint)
      language plpgsql stable as $f$
      begin
        for i in 1 .. coalesce(array_length(block_kinds, 1), 0) loop
          return query select 'block'::text, b.kind::text, b.value::text, 0::bigint
            from fraud_blocks b where b.kind = block_kinds[i] and b.value = block_values[i];
        end loop;
        for i in 1 .. coalesce(array_length(probe_kinds, 1), 0) loop
          return query select 'velocity'::text, probe_kinds[i], ''::text, count(*) from (
            select 1 from fraud_signals s
            where s.kind = probe_kinds[i] and s.value = probe_values[i] and s.at > probe_from[i] and s.at <= upto
            limit probe_caps[i]) x;
        end loop;
      end $f$`.execute(db);
  }

  await db.schema
    .createTable('fraud_audit')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`drop function if exists fraud_lookup`.execute(db);
  for (const table of ['fraud_audit', 'fraud_signals', 'fraud_blocks', 'fraud_settings']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

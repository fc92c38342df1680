import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * Frozen in time: this migration imports nothing from the application. Times are BIGINT epoch ms
 * and money BIGINT minor units on both databases; flags are 0/1 integers so SQLite binds them too.
 * Text that is compared by ranges (order numbers, search terms) uses the "C" collation on PostgreSQL
 * so a prefix search is an index range scan.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = pg ? 'bigserial' : 'integer';
  const textC = pg ? sql`text collate "C"` : sql`text`;
  const withoutRowid = pg ? sql`` : sql`without rowid`;

  await db.schema
    .createTable('users')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // sha-256 of the cookie token; the token itself is never stored
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('permissions_json', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('login_failures')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_key_idx').on('login_failures').columns(['key', 'at']).execute();

  await db.schema
    .createTable('catalog_items')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('sku', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('price', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('weight_grams', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('shippable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('preorder', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expected_date', 'text')
    .addColumn('inventory', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('first_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('company', 'text')
    .addColumn('phone', 'text')
    .addColumn('billing_json', 'text')
    .addColumn('shipping_json', 'text')
    .addColumn('order_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('order_number', textC, (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('is_test', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('subtotal', 'bigint', (c) => c.notNull())
    .addColumn('discount_total', 'bigint', (c) => c.notNull())
    .addColumn('shipping_total', 'bigint', (c) => c.notNull())
    .addColumn('tax_total', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('refunded_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('customer_id', 'bigint', (c) => c.references('customers.id'))
    .addColumn('customer_email', 'text', (c) => c.notNull())
    .addColumn('customer_name', 'text', (c) => c.notNull())
    .addColumn('customer_ip', 'text')
    .addColumn('billing_json', 'text', (c) => c.notNull())
    .addColumn('shipping_json', 'text', (c) => c.notNull())
    .addColumn('payment_method', 'text', (c) => c.notNull())
    .addColumn('payment_status', 'text', (c) => c.notNull())
    .addColumn('payment_json', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .addColumn('shipped_at', 'bigint')
    .addColumn('fraud_score', 'integer')
    .addColumn('fraud_reasons_json', 'text')
    .addColumn('fraud_hold', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('has_shippable', 'integer', (c) => c.notNull())
    .addColumn('has_preorder', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_entered_at', 'bigint', (c) => c.notNull())
    .addColumn('hold_from_stage', 'text')
    .addColumn('tags_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('custom_fields_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Every list is a keyset walk over one of these; none of them needs a sort step.
  await db.schema.createIndex('orders_created_idx').on('orders').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('orders_stage_created_idx').on('orders').columns(['stage', 'created_at', 'id']).execute();
  await db.schema.createIndex('orders_stage_entered_idx').on('orders').columns(['stage', 'stage_entered_at', 'id']).execute();
  await db.schema.createIndex('orders_total_idx').on('orders').columns(['total', 'id']).execute();
  await db.schema.createIndex('orders_payment_status_idx').on('orders').columns(['payment_status', 'created_at', 'id']).execute();
  await db.schema.createIndex('orders_payment_method_idx').on('orders').columns(['payment_method', 'created_at', 'id']).execute();
  await db.schema.createIndex('orders_paid_at_idx').on('orders').columns(['paid_at', 'id']).execute();
  await db.schema.createIndex('orders_shipped_at_idx').on('orders').columns(['shipped_at', 'id']).execute();
  await db.schema.createIndex('orders_customer_idx').on('orders').columns(['customer_id', 'created_at']).execute();

  await db.schema
    .createTable('order_items')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price', 'bigint', (c) => c.notNull())
    .addColumn('discount', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addColumn('shippable', 'integer', (c) => c.notNull())
    .addColumn('preorder', 'integer', (c) => c.notNull())
    .addColumn('expected_date', 'text')
    .addColumn('quantity_shipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('quantity_refunded', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('order_items_order_idx').on('order_items').columns(['order_id', 'line_no']).execute();

  await db.schema
    .createTable('order_notes')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_notes_order_idx').on('order_notes').columns(['order_id', 'id']).execute();

  await db.schema
    .createTable('order_history')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text')
    .addColumn('reason', 'text')
    .addColumn('changes_json', 'text')
    .execute();
  await db.schema.createIndex('order_history_order_idx').on('order_history').columns(['order_id', 'id']).execute();

  // Inverted index for search: one row per (term, kind) an order carries, ordered by creation so an
  // exact-term lookup is already sorted newest-first and a page stops after 50 rows.
  await db.schema
    .createTable('order_search_terms')
    .addColumn('term', textC, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('order_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_search_terms_pk', ['term', 'kind', 'created_at', 'order_id'])
    .modifyEnd(withoutRowid)
    .execute();
  // Checking "does this order also carry term X" is a point lookup here; covering on PostgreSQL too.
  await db.schema.createIndex('order_search_terms_order_idx').on('order_search_terms').columns(['order_id', 'kind', 'term', 'created_at']).execute();

  // Counts per stage are spread over slots so concurrent writers on PostgreSQL rarely wait on one row.
  await db.schema
    .createTable('stage_counts')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('stage_counts_pk', ['stage', 'slot'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('aggregate_type', 'text', (c) => c.notNull())
    .addColumn('aggregate_id', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered_at', 'bigint')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('outbox_aggregate_idx').on('outbox').columns(['aggregate_type', 'aggregate_id']).execute();
  await db.schema.createIndex('outbox_pending_idx').on('outbox').column('id').where(sql.ref('delivered_at'), 'is', null).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal', 'key'])
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  if (pg) await sql`create sequence order_number_seq start with 1000001`.execute(db);
  else await db.insertInto('counters').values({ name: 'order_number', value: 1000000 }).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const table of [
    'settings', 'counters', 'idempotency_keys', 'outbox', 'stage_counts', 'order_search_terms', 'order_history',
    'order_notes', 'order_items', 'orders', 'customers', 'catalog_items', 'login_failures', 'api_keys', 'sessions', 'users',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  if (pg) await sql`drop sequence if exists order_number_seq`.execute(db);
}

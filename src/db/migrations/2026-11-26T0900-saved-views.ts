import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application. Saved views are per-user preferences of the
 * order lists (filters as a URL query string, visible columns). Scope and name use the "C" collation on
 * PostgreSQL so a user's views list in the same order on both databases.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const textC = pg ? sql`text collate "C"` : sql`text`;

  await db.schema
    .createTable('saved_views')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scope', textC, (c) => c.notNull())
    .addColumn('name', textC, (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('columns_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    // Also the index of "this user's views in this scope, by name": no other index is needed.
    .addUniqueConstraint('saved_views_user_scope_name_key', ['user_id', 'scope', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('saved_views').ifExists().execute();
}

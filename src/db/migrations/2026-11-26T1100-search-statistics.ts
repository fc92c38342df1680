import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * PostgreSQL plans a term search from how many orders it expects a term to match. With the default
 * statistics only the 100 most common of millions of terms are known, so a city on 5,000 orders is
 * guessed at a hundred and checked row by row instead of hashed. A larger sample of the term column
 * keeps those estimates honest. SQLite plans from its own rules: nothing to do there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table order_search_terms alter column term set statistics 2000`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table order_search_terms alter column term set statistics -1`.execute(db);
}

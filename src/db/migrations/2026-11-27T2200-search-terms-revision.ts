import { type Kysely, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application.
 *  - The search terms of orders written before this migration follow the first word rules (revision 1);
 *    later rules also index the parts of hyphenated and elided words ("jones" of "smith-jones"). This
 *    marks such a database as due for a refresh, which the `search-terms-refresh` job (or
 *    `orderdeck reindex-search`) then does in small batches while the server runs. A database with no
 *    orders yet needs none: every order it gets is written with the current rules.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const any = await db.selectFrom('orders').select(sql<number>`1`.as('one')).limit(1).executeTakeFirst();
  if (!any) return;
  await db.insertInto('settings')
    .values({ key: 'search_terms.refresh', value_json: JSON.stringify({ revision: 1, nextId: 0 }) })
    .onConflict((oc) => oc.column('key').doNothing()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', 'search_terms.refresh').execute();
}

import { type Kysely, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application.
 *  - Search terms gain the email's domain (revision 3 of the word rules), so "@acme.com" is an index walk.
 *    A database that already has orders is marked as due from revision 2, from the first order: the
 *    `search-terms-refresh` job adds the one missing row per order in small batches while the server
 *    runs, so start-up does not wait for it. A refresh of revision 1 still under way starts over too,
 *    since the orders it already did lack the domain (it rewrites only what differs, so that is a read).
 *    A database without orders needs nothing: every order it gets is written under the new rules.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const any = await db.selectFrom('orders').select(sql<number>`1`.as('one')).limit(1).executeTakeFirst();
  if (!any) return;
  const due = JSON.stringify({ revision: 2, nextId: 0 });
  await db.insertInto('settings').values({ key: 'search_terms.refresh', value_json: due })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: due })).execute();
}

/** The domain rows left behind are never read by the older rules; a refresh under them would drop them. */
export async function down(): Promise<void> {}

import type { Kysely } from 'kysely';

/*
 * Frozen in time: imports nothing from the application.
 *  - fraud_blocks.label: what a person reads for an entry whose value is not readable, a card's
 *    "Visa ····4242, exp 12/31" beside its vault fingerprint (brand, last four and expiry only: the parts
 *    of a card allowed in clear). Null for entries made before, and for kinds whose value says it all.
 * Adding a nullable column rewrites nothing on either database.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('fraud_blocks').addColumn('label', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('fraud_blocks').dropColumn('label').execute();
}

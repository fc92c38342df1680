import type { Kysely } from 'kysely';

/*
 * Frozen in time: imports nothing from the application.
 *  - idempotency_keys(created_at): the pruning job removes keys past their retention oldest first, a
 *    bounded batch at a time, without reading the whole table. Keys now hold whole responses, so the
 *    table would otherwise grow by kilobytes for every keyed request, for ever.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created_idx').execute();
}

import type { Kysely } from 'kysely';

/*
 * Frozen in time: imports nothing from the application.
 *  - gateway_events.outcome: what applying the event did, or why it was ignored ("the payment is already
 *    approved"). `reason` is the gateway's own text (a chargeback's reason code); staff reading an ignored
 *    event need ours too, and a log line is not where they look.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('gateway_events').addColumn('outcome', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('gateway_events').dropColumn('outcome').execute();
}

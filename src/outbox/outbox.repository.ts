import type { Executor, Trx } from '../db/database.js';
import { preparedPerCount } from '../db/prepared.js';

/**
 * Events are written in the same transaction as the change they describe; a later delivery job
 * (webhooks, emails) reads them after commit, so a crash neither loses nor invents an event.
 */
export async function enqueueEvent(
  trx: Trx, topic: string, aggregate: { type: string; id: string }, payload: Record<string, unknown>, at: number,
): Promise<void> {
  await enqueueEvents(trx, [{ topic, aggregate, payload }], at);
}

export interface OutboxEvent {
  topic: string;
  aggregate: { type: string; id: string };
  payload: Record<string, unknown>;
}

const EVENT_FIELDS = ['topic', 'aggregate_type', 'aggregate_id', 'payload_json'] as const;
const insertEventsQuery = preparedPerCount((db, p: Record<string, unknown>, count) => db.insertInto('outbox').values(
  Array.from({ length: count }, (_, i) => ({
    ...Object.fromEntries(EVENT_FIELDS.map((f) => [f, p[`${f}.${i}`]])), created_at: p.created_at, delivered_at: null, last_error: null,
  })) as never));

/**
 * Several events of one change, in one statement: their ids (the order consumers see them in) follow
 * the list on both databases, even when the statement travels in a batch with others.
 */
export async function enqueueEvents(trx: Trx, events: readonly OutboxEvent[], at: number): Promise<void> {
  if (!events.length) return;
  const args: Record<string, unknown> = { created_at: at };
  events.forEach((e, i) => {
    args[`topic.${i}`] = e.topic;
    args[`aggregate_type.${i}`] = e.aggregate.type;
    args[`aggregate_id.${i}`] = e.aggregate.id;
    args[`payload_json.${i}`] = JSON.stringify(e.payload);
  });
  await insertEventsQuery(trx, events.length, args);
}

export async function countPendingEvents(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('delivered_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listEventsFor(db: Executor, aggregateType: string, aggregateId: string) {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('aggregate_type', '=', aggregateType)
    .where('aggregate_id', '=', aggregateId)
    .orderBy('id')
    .execute();
}

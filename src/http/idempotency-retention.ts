import type { Db } from '../db/database.js';

/**
 * How long a retry with the same Idempotency-Key gets the first response. Clients retry within minutes
 * (a timeout, a crash, a queue replay after an outage); a week covers a long weekend's outage with room
 * to spare, and a key older than that is a new request.
 */
export const IDEMPOTENCY_RETENTION_MS = 7 * 86_400_000;

const BATCH = 1000;

/**
 * Deletes keys created before `before`, oldest first, about BATCH rows per statement (rows sharing the
 * edge's millisecond go together), so no statement holds the writer long. Returns the rows deleted.
 */
export async function pruneIdempotencyKeys(db: Db, before: number, signal?: AbortSignal): Promise<number> {
  let deleted = 0;
  while (!signal?.aborted) {
    const edge = await db.selectFrom('idempotency_keys').select('created_at').where('created_at', '<', before)
      .orderBy('created_at').offset(BATCH - 1).limit(1).executeTakeFirst();
    const result = await db.deleteFrom('idempotency_keys')
      .where('created_at', edge ? '<=' : '<', edge ? Number(edge.created_at) : before).executeTakeFirst();
    deleted += Number(result.numDeletedRows);
    if (!edge) break;
  }
  return deleted;
}

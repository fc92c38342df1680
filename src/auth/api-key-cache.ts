import cluster from 'node:cluster';
import type { Executor } from '../db/database.js';
import { findActiveApiKey, sha256 } from './auth.repository.js';

type ActiveKey = NonNullable<Awaited<ReturnType<typeof findActiveApiKey>>>;

/**
 * Integrations send their key on every request; looking it up each time was a read transaction per call.
 * A resolved key (or its absence) is kept for a few seconds per database. A revocation or a change to a
 * user forgets every entry in this process once it has committed; another process sharing the database
 * sees it within TTL_MS — the same bound as the fraud and payment settings caches.
 */
const TTL_MS = 5000;
/** Far more keys than any merchant has; past it the map starts over rather than grow without bound. */
const MAX_ENTRIES = 10_000;

const byDatabase = new WeakMap<object, Map<string, { at: number; generation: number; key: ActiveKey | undefined }>>();
let generation = 0;

export async function findActiveApiKeyCached(db: Executor, secret: string, now = Date.now()): Promise<ActiveKey | undefined> {
  const dbKey = db.getExecutor().adapter;
  let entries = byDatabase.get(dbKey);
  if (!entries) byDatabase.set(dbKey, (entries = new Map()));
  // Kept under the key's hash, as the table does: the process's memory never holds a list of live keys.
  const id = sha256(secret);
  const hit = entries.get(id);
  if (hit && hit.generation === generation && now - hit.at < TTL_MS) return hit.key;
  const loadedIn = generation;
  const key = await findActiveApiKey(db, secret);
  // A change committed while this read ran may not be in it: use the answer, but do not keep it.
  if (loadedIn === generation) {
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(id, { at: now, generation: loadedIn, key });
  }
  return key;
}

export const FORGET_API_KEYS = 'orderdeck:forget-api-keys';

/**
 * After a key is revoked or a user changed (role, active): the next request reads afresh. A worker of
 * `serve` also tells the primary, which tells every worker, so "revoked" holds at once across the server.
 */
export function forgetApiKeys(): void {
  generation++;
  if (cluster.isWorker && process.send) process.send({ type: FORGET_API_KEYS });
}

if (cluster.isWorker) {
  process.on('message', (message: { type?: string }) => {
    if (message?.type === FORGET_API_KEYS) generation++;
  });
}

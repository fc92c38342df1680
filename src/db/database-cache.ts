import type { Executor } from './database.js';

/**
 * A value read from the database and kept in memory for `ttlMs`, one per database.
 *
 * The key is the database's Kysely adapter: a database and every transaction opened on it share that
 * object, so a value loaded through a transaction serves plain reads too, while two databases in one
 * process (the SQLite and PostgreSQL test runs) never see each other's values.
 *
 * A load in progress is shared only with callers on the same executor. Waiting for a load started by
 * another one could deadlock on SQLite: a load through the database waits for its single connection,
 * which an open transaction holds, and that transaction would be waiting for the load.
 */
export interface DatabaseCache<T> {
  get(db: Executor): Promise<T>;
  /** Forgets every database's value (a change made in this process). */
  invalidate(): void;
  /** Forgets one database's value. */
  forget(db: Executor): void;
}

export function cachePerDatabase<T>(ttlMs: number, load: (db: Executor) => Promise<T>): DatabaseCache<T> {
  const values = new WeakMap<object, { loadedAt: number; generation: number; value: T }>();
  const loading = new WeakMap<Executor, Promise<T>>();
  let generation = 0;
  return {
    async get(db) {
      const key = db.getExecutor().adapter;
      const hit = values.get(key);
      if (hit && hit.generation === generation && Date.now() - hit.loadedAt < ttlMs) return hit.value;
      let pending = loading.get(db);
      if (!pending) {
        const startedAt = Date.now();
        const startedIn = generation;
        pending = load(db)
          .then((value) => {
            // Invalidated while loading: the value may predate the change, so it is used but not kept.
            if (startedIn === generation) values.set(key, { loadedAt: startedAt, generation: startedIn, value });
            return value;
          })
          .finally(() => loading.delete(db));
        loading.set(db, pending);
      }
      return pending;
    },
    invalidate() {
      generation++;
    },
    forget(db) {
      values.delete(db.getExecutor().adapter);
    },
  };
}

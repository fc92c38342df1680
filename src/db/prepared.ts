import { type Compilable, CompiledQuery, type QueryResult } from 'kysely';
import { type Executor, isPostgres } from './database.js';

/**
 * A query built and compiled once per dialect, then run with new values. Kysely builds an operation tree
 * and compiles it to SQL on every call, which on the order-creation path cost more than SQLite took to
 * run the statements. Built once with placeholder values, the compiled SQL is reused and only the
 * parameter list is filled in per call.
 *
 * The builder receives `p`, whose properties are placeholders standing for the call's arguments; they
 * must only be used as values (which Kysely always sends as parameters), never as identifiers.
 */
export function prepared<A extends object, R>(
  build: (db: Executor, p: A) => Compilable<R>,
): (db: Executor, args: A) => Promise<QueryResult<R>> {
  const compiled = new Map<boolean, { query: CompiledQuery<R>; slots: (keyof A | null)[] }>();
  return (db, args) => {
    const pg = isPostgres(db);
    let entry = compiled.get(pg);
    if (!entry) {
      const placeholders = new Proxy({} as A, { get: (_t, key) => `\u0000${String(key)}\u0000` });
      const query = build(db, placeholders).compile();
      const slots = query.parameters.map((value) =>
        typeof value === 'string' && value.startsWith('\u0000') && value.endsWith('\u0000') ? (value.slice(1, -1) as keyof A) : null);
      entry = { query, slots };
      compiled.set(pg, entry);
    }
    const { query, slots } = entry;
    const parameters = slots.map((slot, i) => (slot === null ? query.parameters[i] : args[slot]));
    return db.executeQuery<R>({ ...query, parameters });
  };
}

/** One `prepared` per row count, for multi-row inserts whose SQL grows with the rows. */
export function preparedPerCount<A extends object, R>(
  build: (db: Executor, p: A, count: number) => Compilable<R>,
): (db: Executor, count: number, args: A) => Promise<QueryResult<R>> {
  const byCount = preparedPerKey<number, A, R>();
  return (db, count, args) => byCount(count, (d, p) => build(d, p, count))(db, args);
}

/**
 * One `prepared` per set of columns an update sets (and, optionally, per count, as above): for updates
 * whose SET list depends on what changes (a payment outcome, a stage move). `build` gets the SET object
 * with a placeholder per column. A column whose value is undefined is left out, as Kysely's set() does.
 */
export function preparedPerShape<A extends object, R>(
  build: (db: Executor, p: A, set: Record<string, unknown>, count: number) => Compilable<R>,
): (db: Executor, patch: object, args: A, count?: number) => Promise<QueryResult<R>> {
  const byShape = preparedPerKey<string, A, R>();
  return (db, patch, args, count = 0) => {
    const columns = Object.keys(patch).filter((c) => (patch as Record<string, unknown>)[c] !== undefined);
    return byShape(`${columns.join(',')}#${count}`, (d, p) =>
      build(d, p, Object.fromEntries(columns.map((c) => [c, (p as Record<string, unknown>)[c]])), count))(db, args);
  };
}

/**
 * The compiled query for a key, built on first use. The keys are the few shapes the code writes; the cap
 * only guards against a caller whose shapes come from input.
 */
function preparedPerKey<K, A extends object, R>() {
  const byKey = new Map<K, (db: Executor, args: A) => Promise<QueryResult<R>>>();
  return (key: K, build: (db: Executor, p: A) => Compilable<R>) => {
    let query = byKey.get(key);
    if (!query) {
      if (byKey.size >= MAX_SHAPES) byKey.clear();
      query = prepared<A, R>(build);
      byKey.set(key, query);
    }
    return query;
  };
}
const MAX_SHAPES = 500;

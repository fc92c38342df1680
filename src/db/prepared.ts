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
  const byCount = new Map<number, (db: Executor, args: A) => Promise<QueryResult<R>>>();
  return (db, count, args) => {
    let query = byCount.get(count);
    if (!query) {
      query = prepared<A, R>((d, p) => build(d, p, count));
      byCount.set(count, query);
    }
    return query(db, args);
  };
}

/**
 * One `prepared` per set of column names (and, optionally, per count, like preparedPerCount), for
 * updates whose SET list depends on what changes (a payment outcome, a stage move). The shapes are the
 * few the code writes; the cap only guards against a caller that builds column lists from input.
 */
export function preparedPerShape<A extends object, R>(
  build: (db: Executor, p: A, columns: readonly string[], count: number) => Compilable<R>,
): (db: Executor, columns: readonly string[], args: A, count?: number) => Promise<QueryResult<R>> {
  const byShape = new Map<string, (db: Executor, args: A) => Promise<QueryResult<R>>>();
  return (db, columns, args, count = 0) => {
    const shape = `${columns.join(',')}#${count}`;
    let query = byShape.get(shape);
    if (!query) {
      if (byShape.size >= MAX_SHAPES) byShape.clear();
      const fixed = [...columns];
      query = prepared<A, R>((d, p) => build(d, p, fixed, count));
      byShape.set(shape, query);
    }
    return query(db, args);
  };
}
const MAX_SHAPES = 500;

/** The columns a patch sets: a key whose value is undefined means "leave it", as Kysely's set() reads it. */
export const columnsSet = (patch: object): string[] =>
  Object.keys(patch).filter((c) => (patch as Record<string, unknown>)[c] !== undefined);

import type { CompiledQuery, QueryResult, RootOperationNode } from 'kysely';
import { isPostgres, type Trx } from './database.js';

/**
 * Runs several independent statements of one transaction in a single round trip on PostgreSQL.
 *
 * Placing an order writes eight or nine rows into as many tables, and each statement sent on its own
 * costs a network round trip, a wake-up of the server process and a protocol exchange: on the order path
 * that cost PostgreSQL and Node more CPU than the inserts themselves. Here `collect` calls ordinary
 * repository functions with a stand-in transaction that records each statement instead of sending it;
 * the recorded statements then go to PostgreSQL as one statement, each a data-modifying `WITH` part, and
 * every function's promise resolves with its own rows. SQLite has no round trips to save: the statements
 * run one after another on the same transaction, in the order they were recorded.
 *
 * Only for statements that are independent: all parts of one PostgreSQL statement see the same snapshot,
 * so none may read what another writes, and no two may change the same row. Foreign keys between the parts
 * are fine (they are checked when the statement ends). A function must send its statement before its
 * first `await`; anything it sends later runs on its own, after the batch. Statements without RETURNING
 * resolve with no rows and no affected-row count. Each part's rows keep their order (PostgreSQL reads a
 * `WITH` part's stored result in the order it was produced). Combined rows come back through JSON (`to_jsonb`):
 * text, integers and bigints arrive as the pool's own parsers give them, but a part returning bytea or
 * timestamps would get their JSON forms, so such parts should be sent on their own.
 */
export async function together<const T extends readonly (Promise<unknown> | undefined)[]>(trx: Trx, collect: (batch: Trx) => T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const recorder = new Recorder(trx);
  const pending = recorder.record(collect);
  const [, ...results] = await Promise.all([recorder.run(), ...pending]);
  return results as { -readonly [K in keyof T]: Awaited<T[K]> };
}

interface Recorded {
  query: CompiledQuery;
  resolve: (result: QueryResult<unknown>) => void;
  reject: (error: unknown) => void;
}

class Recorder {
  private readonly statements: Recorded[] = [];
  private closed = false;
  private readonly standIn: Trx;

  constructor(private readonly trx: Trx) {
    this.standIn = new Proxy(trx, {
      get: (target, prop) => {
        if (prop !== 'executeQuery') {
          // Bound to the transaction itself: Kysely's private fields are not reachable through a proxy.
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
        return (query: CompiledQuery) => {
          if (this.closed) return target.executeQuery(query);
          return new Promise<QueryResult<unknown>>((resolve, reject) => this.statements.push({ query, resolve, reject }));
        };
      },
    });
  }

  /** Calls `collect` with the stand-in; statements sent after it returns are no longer recorded. */
  record<T>(collect: (batch: Trx) => T): T {
    try {
      return collect(this.standIn);
    } finally {
      this.closed = true;
    }
  }

  async run(): Promise<void> {
    const statements = this.statements.splice(0);
    try {
      const combined = isPostgres(this.trx) && statements.length > 1 ? combine(statements.map((s) => s.query)) : undefined;
      if (!combined) {
        for (const s of statements) s.resolve(await this.trx.executeQuery(s.query));
        return;
      }
      const { rows } = await this.trx.executeQuery<{ i: number; r: unknown }>(combined);
      const byPart = statements.map(() => [] as unknown[]);
      for (const row of rows) byPart[row.i]!.push(row.r);
      statements.forEach((s, i) => s.resolve({ rows: byPart[i]! }));
    } catch (error) {
      for (const s of statements) s.reject(error);
      throw error;
    }
  }
}

/** PostgreSQL accepts at most 65,535 parameters in one statement. */
const MAX_PARAMETERS = 65_535;

/**
 * `with s0 as (…), s1 as (…) select 0 as i, to_jsonb(s0) as r from s0 union all …`: every part runs,
 * and the rows of those with RETURNING come back tagged with their part's index. Parameters are renumbered
 * into one list. Undefined when the statements cannot be combined (too many parameters).
 */
export function combine(queries: readonly CompiledQuery[]): CompiledQuery<{ i: number; r: unknown }> | undefined {
  const parameters = queries.flatMap((q) => q.parameters);
  if (parameters.length > MAX_PARAMETERS) return undefined;
  // The same few shapes recur (one per mix of statements and row counts): their text is built once, and
  // found again through the parts' texts, which are the same string objects on every call (hashed once).
  let node = combinedTexts;
  for (const q of queries) {
    let next = node.next.get(q.sql);
    if (!next) {
      if (shapes >= MAX_SHAPES) {
        combinedTexts.next.clear();
        shapes = 0;
      }
      next = { next: new Map() };
      node.next.set(q.sql, next);
      shapes += 1;
    }
    node = next;
  }
  let text = node.text;
  if (text === undefined) {
    const parts: string[] = [];
    const selects: string[] = [];
    let offset = 0;
    for (const [i, q] of queries.entries()) {
      parts.push(`s${i} as (${renumber(q.sql, offset)})`);
      offset += q.parameters.length;
      if (returnsRows(q)) selects.push(`select ${i} as i, to_jsonb(s${i}) as r from s${i}`);
    }
    const tail = selects.length ? selects.join(' union all ') : 'select 0 as i, null::jsonb as r where false';
    text = `with ${parts.join(', ')} ${tail}`;
    node.text = text;
  }
  return { sql: text, parameters, query: queries[0]!.query, queryId: queries[0]!.queryId } as CompiledQuery<{ i: number; r: unknown }>;
}
interface Shape {
  text?: string;
  next: Map<string, Shape>;
}
const combinedTexts: Shape = { next: new Map() };
const MAX_SHAPES = 10_000;
let shapes = 0;

/** Adds `offset` to every `$n` placeholder outside quoted literals and identifiers. */
export function renumber(sql: string, offset: number): string {
  if (offset === 0) return sql;
  let out = '';
  let quote = 0;
  let from = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === QUOTE || c === DOUBLE_QUOTE) {
      quote = c;
    } else if (c === DOLLAR && isDigit(sql.charCodeAt(i + 1))) {
      let j = i + 1;
      while (isDigit(sql.charCodeAt(j))) j++;
      out += `${sql.slice(from, i)}$${Number(sql.slice(i + 1, j)) + offset}`;
      from = j;
      i = j - 1;
    }
  }
  return out + sql.slice(from);
}
const QUOTE = 39;
const DOUBLE_QUOTE = 34;
const DOLLAR = 36;
const isDigit = (c: number) => c >= 48 && c <= 57;

function returnsRows(q: CompiledQuery): boolean {
  const node = q.query as RootOperationNode & { returning?: unknown };
  switch (node.kind) {
    case 'SelectQueryNode':
      return true;
    case 'InsertQueryNode':
    case 'UpdateQueryNode':
    case 'DeleteQueryNode':
      return node.returning !== undefined;
    default:
      return /^\s*(select|with)\b|\breturning\b/i.test(q.sql);
  }
}

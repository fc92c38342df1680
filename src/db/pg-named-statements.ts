import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * PostgreSQL parses and plans an unnamed statement on every call, and on the order and payment paths
 * that planning cost the server more CPU than running the statements. A named statement is parsed and
 * planned once per connection and then only executed, so every parameterised data statement Kysely sends
 * is named after a hash of its text. Texts are few (Kysely renders the same text for the same query
 * shape), so the per-connection statement cache stays small.
 *
 * A schema change can make a prepared plan invalid ("cached plan must not change result type", after a
 * column is added under a running server): the statement is then sent again under a new generation of
 * names, so the server re-prepares it instead of failing.
 */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/**
 * Catalog queries (Kysely's migrator introspecting tables) run once at start-up: nothing to gain from
 * preparing them, and a prepared catalog scan's plan evaluated `has_schema_privilege` on schemas that
 * another connection was dropping at that moment ("schema … does not exist"), which an unnamed one did not.
 */
const CATALOG = /\b(pg_catalog|information_schema)\b/i;
/**
 * Statements that start with this comment are sent unnamed, so planned with their values on every call:
 * a named statement may be switched to one generic plan after five runs, which for searches (whose best
 * plan depends on how common the searched words are) was several times slower.
 */
export const PLAN_PER_CALL = '/* plan per call */';
const MAX_NAMES = 10_000;
const names = new Map<string, string>();
let generation = 0;

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    if (names.size >= MAX_NAMES) names.clear();
    name = `od${generation}_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

const WRAPPED = Symbol('orderdeck.namedStatements');
type Query = (text: unknown, values?: unknown) => Promise<unknown>;

function withNamedStatements(client: pg.PoolClient): pg.PoolClient {
  const target = client as pg.PoolClient & { [WRAPPED]?: true };
  if (target[WRAPPED]) return client;
  const original = client.query.bind(client) as Query;
  const named: Query = async (text, values) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || text.startsWith(PLAN_PER_CALL) || !PREPARABLE.test(text) || CATALOG.test(text)) {
      return original(text, values);
    }
    try {
      return await original({ name: nameOf(text), text, values });
    } catch (error) {
      if ((error as { code?: string }).code !== '0A000') throw error;
      generation += 1;
      names.clear();
      return original({ name: nameOf(text), text, values });
    }
  };
  (target as unknown as { query: Query }).query = named;
  target[WRAPPED] = true;
  return client;
}

/** The pool Kysely is given: the same connections, each naming its statements. */
export function namedStatementPool(pool: pg.Pool) {
  return {
    connect: async () => withNamedStatements(await pool.connect()),
    end: () => pool.end(),
  };
}

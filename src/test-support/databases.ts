import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe } from 'vitest';
import { createDatabase, type Db, type Executor } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';

/** Advisory lock key serialising test schema drops against migrations (any constant unique to this use). */
const SCHEMA_LOCK = 7_304_211;

export type DialectName = 'sqlite' | 'postgres';

/**
 * Which databases the database tests run on: SQLite always, PostgreSQL when DATABASE_URL is set.
 * ORDERDECK_TEST_DB=sqlite or =postgres narrows it to one.
 */
export function testDialects(): DialectName[] {
  const only = process.env.ORDERDECK_TEST_DB;
  const all: DialectName[] = process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  if (only === 'sqlite' || only === 'postgres') {
    if (only === 'postgres' && !process.env.DATABASE_URL) throw new Error('ORDERDECK_TEST_DB=postgres needs DATABASE_URL');
    return [only];
  }
  return all;
}

export interface TestDatabase {
  db: Db;
  dialect: DialectName;
  destroy(): Promise<void>;
}

/** A fresh, migrated database: in-memory SQLite, or a new PostgreSQL schema dropped afterwards. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const db = createDatabase({ sqlitePath: ':memory:' });
    await migrateToLatest(db);
    return { db, dialect, destroy: () => db.destroy() };
  }
  const url = process.env.DATABASE_URL!;
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = createDatabase({ databaseUrl: url, pgPoolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin);
  const db = createDatabase({ databaseUrl: url, pgSchema: schema, pgPoolSize: 8 });
  // Kysely's migrator lists the tables of every schema and resolves each schema by name
  // (has_schema_privilege, pg_get_serial_sequence): a schema another test file drops meanwhile makes that
  // query fail with "schema … does not exist". Migrations hold a shared lock, drops an exclusive one.
  await admin.connection().execute(async (session) => {
    await sql`select pg_advisory_lock_shared(${SCHEMA_LOCK})`.execute(session);
    try {
      await migrateToLatest(db, schema);
    } finally {
      await sql`select pg_advisory_unlock_shared(${SCHEMA_LOCK})`.execute(session);
    }
  });
  return {
    db,
    dialect,
    destroy: async () => {
      await db.destroy();
      await admin.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${SCHEMA_LOCK})`.execute(trx);
        await sql`drop schema ${sql.id(schema)} cascade`.execute(trx);
      });
      await admin.destroy();
    },
  };
}

/** Runs a describe block once per test database; the block gets a getter for that database. */
export function describeEachDatabase(name: string, body: (get: () => TestDatabase) => void) {
  for (const dialect of testDialects()) {
    describe(`${name} [${dialect}]`, () => {
      let current: TestDatabase | undefined;
      beforeAll(async () => {
        current = await createTestDatabase(dialect);
      });
      afterAll(async () => {
        await current?.destroy();
      });
      body(() => {
        if (!current) throw new Error('test database not ready');
        return current;
      });
    });
  }
}

/**
 * PostgreSQL: how many named statements this session has executed so far. Every parameterised statement
 * Orderdeck sends is named (db/pg-named-statements.ts), so the difference across a call is the number of
 * statements (round trips) it took; call it inside one transaction, as statements are per session.
 */
export async function statementsExecuted(trx: Executor): Promise<number> {
  const { rows } = await sql<{ n: string }>`select coalesce(sum(generic_plans + custom_plans), 0) as n from pg_prepared_statements`.execute(trx);
  return Number(rows[0]!.n);
}

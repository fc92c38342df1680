import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import { namedStatementPool } from './pg-named-statements.js';
import pg from 'pg';
import { type Checkpointer, SAFETY_NET_CHECKPOINT_PAGES, startCheckpointer } from './checkpointer.js';
import type { Database } from './schema.js';
import { SqliteWriterDialect } from './sqlite-writer-dialect.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Anything that can run a query: the database itself or an open transaction. */
export type Executor = Db | Trx;

export interface DatabaseOptions {
  /** postgres://… connection string; absent = SQLite. */
  databaseUrl?: string | undefined;
  /** SQLite file path (or ':memory:'). */
  sqlitePath?: string;
  /** PostgreSQL schema to use as search_path (tests create one per run). */
  pgSchema?: string;
  pgPoolSize?: number;
}

/** The better-sqlite3 handle behind each SQLite Kysely, for bulk work (seeding, backup) that Kysely cannot express. */
const sqliteHandles = new WeakMap<Db, SqliteDatabase.Database>();

export function sqliteHandleOf(db: Db): SqliteDatabase.Database | undefined {
  return sqliteHandles.get(db);
}

// BIGINT holds epoch milliseconds and minor units, all far inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Negative: KiB rather than pages. */
const CACHE_KIB = -32768;

export function createDatabase(opts: DatabaseOptions): Db {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      // $USER is empty on some machines; pg would otherwise send an empty user name.
      user: new URL(opts.databaseUrl).username || 'postgres',
      max: opts.pgPoolSize ?? 10,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    // An idle connection the server closes (a restart, a failover, an administrator) is reported on the
    // pool, and unheard node-postgres makes that an uncaught exception that stops the process. The pool has
    // already dropped the connection and opens another when one is needed: a warning is all it takes.
    pool.on('error', (error) => process.emitWarning(`PostgreSQL closed an idle connection: ${error.message}`, 'OrderdeckDatabaseWarning'));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: namedStatementPool(pool) }) });
  }
  const file = opts.sqlitePath ?? ':memory:';
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Customer data and credential hashes: a new database is the owner's alone. SQLite gives its -wal and
    // -shm files the database file's permissions, so they follow.
    try {
      fs.writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error; // there already, or made by another process just now
    }
  }
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // 32 MB of pages for the writer (16 MB for the reader): the hot index pages fit, the operating system's
  // file cache holds the rest, and the server stays under its memory budget at a million orders.
  sqlite.pragma(`cache_size = ${CACHE_KIB}`);
  sqlite.pragma('temp_store = MEMORY');
  let onClose = () => {};
  if (file !== ':memory:') {
    const checkpointer = startCheckpointer(file);
    sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_CHECKPOINT_PAGES}`);
    // After a burst the log is cut back to this size instead of staying at its high-water mark.
    sqlite.pragma('journal_size_limit = 67108864');
    onClose = () => void checkpointer.stop();
    checkpointers.set(sqlite, checkpointer);
  }
  const db = new Kysely<Database>({ dialect: new SqliteWriterDialect(sqlite, { database: withStatementCache(sqlite, onClose) }) });
  sqliteHandles.set(db, sqlite);
  if (file !== ':memory:') sqliteFiles.set(db, file);
  return db;
}

const sqliteFiles = new WeakMap<Db, string>();
const readers = new WeakMap<Db, Db>();

/**
 * Where plain reads (authentication, order pages, search) go. A SQLite file gets a second, query-only
 * connection: Kysely runs everything on one connection otherwise, so every read would queue behind the
 * write transaction in progress. WAL lets the reader see the last commit while the writer works.
 * PostgreSQL pools and in-memory SQLite read through the database itself.
 */
export function readerOf(db: Db): Db {
  const file = sqliteFiles.get(db);
  if (!file) return db;
  let reader = readers.get(db);
  if (!reader) {
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('query_only = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma(`cache_size = ${CACHE_KIB / 2}`);
      reader = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, () => {}) }) });
    readers.set(db, reader);
  }
  return reader;
}

const checkpointers = new WeakMap<SqliteDatabase.Database, Checkpointer>();

/** Closes the database, its reader connection if one was opened, and waits for the checkpoint worker to let go of the files. */
export async function closeDatabase(db: Db): Promise<void> {
  await readers.get(db)?.destroy();
  readers.delete(db);
  const sqlite = sqliteHandles.get(db);
  await db.destroy();
  if (sqlite) await checkpointers.get(sqlite)?.stop();
}

/**
 * Kysely prepares every query afresh, and preparing costs more than running most of ours. The SQL text of
 * a compiled query is stable (values are parameters), so a prepared statement can be reused; the cache is
 * bounded because multi-row inserts produce one text per row count.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, onClose: () => void, max = 1000): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  const prepare = (source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = sqlite.prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      if (prop === 'close') return () => { onClose(); return target.close(); };
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function dialectName(db: Executor): 'postgres' | 'sqlite' {
  return isPostgres(db) ? 'postgres' : 'sqlite';
}

/** True when a driver error is a unique-constraint violation, on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

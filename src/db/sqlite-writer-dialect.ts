import type SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';

const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');
/** How long a transaction waits for another process's write lock before failing, as `busy_timeout` did. */
export const WRITE_LOCK_TIMEOUT_MS = 5000;

/**
 * Several processes write one SQLite file: the server's workers (ORDERDECK_WORKERS), `run-jobs`, the CLI.
 *
 * A plain (deferred) `begin` takes the write lock at its first write; if another process committed after
 * this transaction's first read, SQLite cannot wait and fails at once (SQLITE_BUSY_SNAPSHOT). `begin
 * immediate` takes the lock up front, so the transaction either starts with it or does not start.
 *
 * Waiting for that lock through `busy_timeout` would sleep inside SQLite, and better-sqlite3 runs on the
 * event loop: the whole process would stop serving while another holds the lock. So the attempt is made
 * without a busy timeout and retried from the event loop, which keeps reading requests meanwhile (they
 * join the next group commit). Statements outside a transaction keep the connection's busy timeout.
 */
export class SqliteWriterDialect extends SqliteDialect {
  constructor(private readonly sqlite: SqliteDatabase.Database, private readonly writerConfig: SqliteDialectConfig) {
    super(writerConfig);
  }

  override createDriver(): Driver {
    return new WriterDriver(this.sqlite, this.writerConfig);
  }
}

class WriterDriver extends SqliteDriver {
  private readonly noWait: SqliteDatabase.Statement;
  private readonly wait: SqliteDatabase.Statement;

  constructor(sqlite: SqliteDatabase.Database, config: SqliteDialectConfig) {
    super(config);
    this.noWait = sqlite.prepare('pragma busy_timeout = 0');
    this.wait = sqlite.prepare(`pragma busy_timeout = ${WRITE_LOCK_TIMEOUT_MS}`);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const deadline = Date.now() + WRITE_LOCK_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      this.noWait.get();
      try {
        await connection.executeQuery(BEGIN_IMMEDIATE);
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
      } finally {
        this.wait.get();
      }
      // The holder's batch takes a millisecond or two: poll right away at first, then back off gently.
      await new Promise((resolve) => (attempt < 3 ? setImmediate(resolve) : setTimeout(resolve, Math.min(attempt - 2, 5))));
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

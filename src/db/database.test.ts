import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { closeDatabase, createDatabase, readerOf } from './database.js';
import { migrateToLatest } from './migrate.js';
import { transact } from './transact.js';

describe('SQLite file database', () => {
  it('reads through a second, query-only connection that sees every committed write', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-db-'));
    const db = createDatabase({ sqlitePath: path.join(dir, 'orderdeck.sqlite') });
    try {
      await migrateToLatest(db);
      const reader = readerOf(db);
      expect(reader).not.toBe(db);
      expect(readerOf(db)).toBe(reader);
      await transact(db, (trx) => trx.insertInto('settings').values({ key: 'k', value_json: '"v"' }).execute());
      expect(await reader.selectFrom('settings').select('value_json').where('key', '=', 'k').executeTakeFirst()).toEqual({ value_json: '"v"' });
      await expect(reader.insertInto('settings').values({ key: 'x', value_json: '1' }).execute()).rejects.toThrow(/readonly/);
      const pragmas = await db.selectFrom('settings').select('key').execute();
      expect(pragmas).toHaveLength(1);
    } finally {
      await closeDatabase(db);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('copies the write-ahead log into the database file from the checkpoint worker, not in a commit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-db-'));
    const file = path.join(dir, 'orderdeck.sqlite');
    const db = createDatabase({ sqlitePath: file });
    try {
      await migrateToLatest(db);
      await new Promise((r) => setTimeout(r, 400));
      const before = fs.statSync(file).size;
      // About 250 pages: far below the writer's own safety-net threshold, so only the worker can move them.
      await transact(db, async (trx) => {
        for (let i = 0; i < 1000; i++) await trx.insertInto('settings').values({ key: `k${i}`, value_json: JSON.stringify('x'.repeat(1000)) }).execute();
      });
      let after = before;
      for (let i = 0; i < 50 && after <= before + 500_000; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = fs.statSync(file).size;
      }
      expect(after).toBeGreaterThan(before + 500_000);
    } finally {
      await closeDatabase(db);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads an in-memory database through itself (a second connection would be another database)', () => {
    const db = createDatabase({ sqlitePath: ':memory:' });
    expect(readerOf(db)).toBe(db);
    return db.destroy();
  });
});

describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL connection pool', () => {
  it('survives the server closing its idle connections: a warning, then a new connection for the next query', async () => {
    const db = createDatabase({ databaseUrl: process.env.DATABASE_URL!, pgPoolSize: 2 });
    const admin = createDatabase({ databaseUrl: process.env.DATABASE_URL!, pgPoolSize: 1 });
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const { pid } = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!;
      // Idle in the pool now; the server ends it (as a restart or failover would).
      await sql`select pg_terminate_backend(${pid})`.execute(admin);
      for (let i = 0; i < 100 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(warnings).toEqual([expect.stringMatching(/^PostgreSQL closed an idle connection: /)]);
      const again = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!;
      expect(again.pid).not.toBe(pid);
    } finally {
      process.off('warning', onWarning);
      await db.destroy();
      await admin.destroy();
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

  it('reads an in-memory database through itself (a second connection would be another database)', () => {
    const db = createDatabase({ sqlitePath: ':memory:' });
    expect(readerOf(db)).toBe(db);
    return db.destroy();
  });
});

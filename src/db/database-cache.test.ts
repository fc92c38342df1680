import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { cachePerDatabase } from './database-cache.js';

describe('cachePerDatabase', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase('sqlite'), createTestDatabase('sqlite')]);
  });
  afterAll(async () => {
    await a.destroy();
    await b.destroy();
  });

  const counting = () => {
    const loads: string[] = [];
    const cache = cachePerDatabase(60_000, async (db) => {
      loads.push('load');
      return (await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]!.one;
    });
    return { cache, loads };
  };

  it('loads once per database, shares the value with its transactions, reloads after invalidate', async () => {
    const { cache, loads } = counting();
    expect(await Promise.all([cache.get(a.db), cache.get(a.db)])).toEqual([1, 1]);
    expect(await a.db.transaction().execute((trx) => cache.get(trx))).toBe(1);
    expect(loads).toHaveLength(1);
    await cache.get(b.db);
    expect(loads).toHaveLength(2);
    cache.invalidate();
    await cache.get(a.db);
    expect(loads).toHaveLength(3);
    cache.forget(a.db);
    await cache.get(a.db);
    expect(loads).toHaveLength(4);
  });

  it('a transaction never waits for a load started outside it (on SQLite that load waits for the transaction)', { timeout: 5_000 }, async () => {
    const { cache, loads } = counting();
    let outside: Promise<number> | undefined;
    const inside = await a.db.transaction().execute(async (trx) => {
      outside = cache.get(a.db); // queued behind this transaction on the single connection
      await new Promise((resolve) => setTimeout(resolve, 20));
      return cache.get(trx);
    });
    expect(inside).toBe(1);
    expect(await outside).toBe(1);
    expect(loads).toHaveLength(2);
  });
});

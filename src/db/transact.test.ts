import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { isUniqueViolation } from './database.js';
import { transact, transactIndependent } from './transact.js';

describeEachDatabase('transact (group commit on SQLite)', (getDb) => {
  const value = async (name: string) =>
    (await getDb().db.selectFrom('settings').select('value_json').where('key', '=', name).executeTakeFirst())?.value_json;

  it('commits concurrent jobs, and a failing job loses only its own writes', async () => {
    const { db } = getDb();
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => transact(db, async (trx) => {
      await trx.insertInto('settings').values({ key: `job-${i}`, value_json: String(i) }).execute();
      if (i % 5 === 0) throw new Error(`job ${i} fails after writing`);
      return i;
    })));
    results.forEach((r, i) => {
      expect(r.status).toBe(i % 5 === 0 ? 'rejected' : 'fulfilled');
      if (r.status === 'fulfilled') expect(r.value).toBe(i);
    });
    for (let i = 0; i < 20; i++) expect(await value(`job-${i}`)).toBe(i % 5 === 0 ? undefined : String(i));
  });

  it('rolls back a lone failing job whole', async () => {
    const { db } = getDb();
    await expect(transact(db, async (trx) => {
      await trx.insertInto('settings').values({ key: 'lone', value_json: '1' }).execute();
      throw new Error('nope');
    })).rejects.toThrow('nope');
    expect(await value('lone')).toBeUndefined();
  });

  it('reports a constraint violation to the job that caused it, leaving the others committed', async () => {
    const { db } = getDb();
    const results = await Promise.allSettled(['dup', 'dup', 'other'].map((key) => transact(db, (trx) => trx.insertInto('settings').values({ key, value_json: key }).execute())));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(await value('dup')).toBe('"dup"'.slice(1, -1));
    expect(await value('other')).toBe('other');
  });
});

describeEachDatabase('transactIndependent (shared transactions on PostgreSQL)', (getDb) => {
  const value = async (name: string) =>
    (await getDb().db.selectFrom('settings').select('value_json').where('key', '=', name).executeTakeFirst())?.value_json;

  it('commits writes that arrive together, sharing transactions on PostgreSQL', async () => {
    const { db, dialect } = getDb();
    const txids = await Promise.all(Array.from({ length: 24 }, (_, i) => transactIndependent(db, async (trx) => {
      await trx.insertInto('settings').values({ key: `ind-${i}`, value_json: String(i) }).execute();
      return dialect === 'postgres' ? String((await sql<{ id: string }>`select txid_current()::text as id`.execute(trx)).rows[0]!.id) : String(i);
    })));
    for (let i = 0; i < 24; i++) expect(await value(`ind-${i}`)).toBe(String(i));
    // Fewer transactions than writes: one commit answered for several of them.
    if (dialect === 'postgres') expect(new Set(txids).size).toBeLessThan(24);
  });

  it('fails only the job that failed: its writes are gone, the others of its batch are committed', async () => {
    const { db } = getDb();
    const runs = new Map<number, number>();
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => transactIndependent(db, async (trx) => {
      runs.set(i, (runs.get(i) ?? 0) + 1);
      await trx.insertInto('settings').values({ key: `fail-${i}`, value_json: String(i) }).execute();
      if (i === 3 || i === 8) throw new Error(`job ${i} fails after writing`);
      return i;
    })));
    results.forEach((r, i) => {
      if (i === 3 || i === 8) expect(r).toMatchObject({ status: 'rejected', reason: { message: `job ${i} fails after writing` } });
      else expect(r).toEqual({ status: 'fulfilled', value: i });
    });
    for (let i = 0; i < 12; i++) expect(await value(`fail-${i}`)).toBe(i === 3 || i === 8 ? undefined : String(i));
    // A job is run again at most twice after its batch failed (with the others, then alone).
    for (const count of runs.values()) expect(count).toBeLessThanOrEqual(3);
  });

  it('answers a failed commit with its error to every job of the batch, and runs none again', async ({ skip }) => {
    const { db, dialect } = getDb();
    if (dialect !== 'postgres') skip(); // a commit that fails needs a deferred constraint
    await sql`create table deferred_keys (k text, constraint deferred_keys_k unique (k) deferrable initially deferred)`.execute(db);
    const runs: string[] = [];
    const results = await Promise.allSettled(['x', 'x', 'y'].map((k) => transactIndependent(db, async (trx) => {
      runs.push(k);
      await sql`insert into deferred_keys (k) values (${k})`.execute(trx);
    })));
    // Only the commit found the duplicate: all three shared it, and a commit's outcome is not retried.
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(isUniqueViolation((results[0] as PromiseRejectedResult).reason)).toBe(true);
    expect(runs).toEqual(['x', 'x', 'y']);
    expect((await sql<{ n: number }>`select count(*)::int as n from deferred_keys`.execute(db)).rows[0]!.n).toBe(0);
  });

  it('reports a constraint violation to one of the racing jobs and keeps every other write', async () => {
    const { db } = getDb();
    const keys = ['same', 'a', 'same', 'b', 'c'];
    const results = await Promise.allSettled(keys.map((key, i) => transactIndependent(db, (trx) =>
      trx.insertInto('settings').values({ key: `${key}-v`, value_json: String(i) }).execute())));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isUniqueViolation(rejected.reason)).toBe(true);
    for (const key of ['same', 'a', 'b', 'c']) expect(await value(`${key}-v`)).toBeDefined();
  });
});

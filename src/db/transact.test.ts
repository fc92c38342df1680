import { expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { transact } from './transact.js';

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

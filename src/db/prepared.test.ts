import { expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { preparedPerShape } from './prepared.js';

const updateLease = preparedPerShape((db, p: Record<string, unknown>, set) => db.updateTable('job_leases')
  .set(set).where('name', '=', p.where_name as string));

describeEachDatabase('preparedPerShape', (getDb) => {
  it('writes exactly the columns each call sets, whichever shape ran before, leaving undefined ones alone', async () => {
    const { db } = getDb();
    await db.insertInto('job_leases').values([{ name: 'a', owner: 'x', lease_until: 1 }, { name: 'b', owner: 'x', lease_until: 1 }]).execute();
    await updateLease(db, { owner: 'only-owner' }, { owner: 'only-owner', where_name: 'a' });
    await updateLease(db, { owner: 'both', lease_until: 99 }, { owner: 'both', lease_until: 99, where_name: 'b' });
    const third = await updateLease(db, { owner: 'again', lease_until: undefined }, { owner: 'again', where_name: 'b' });
    expect(Number(third.numAffectedRows)).toBe(1);
    const rows = await db.selectFrom('job_leases').select(['name', 'owner', 'lease_until']).where('name', 'in', ['a', 'b']).orderBy('name').execute();
    expect(rows.map((r) => ({ ...r, lease_until: Number(r.lease_until) }))).toEqual([
      { name: 'a', owner: 'only-owner', lease_until: 1 },
      { name: 'b', owner: 'again', lease_until: 99 },
    ]);
  });
});

import type { Executor } from '../db/database.js';

/**
 * Takes the lease of job `name` for `owner` until `until`, if it is free: never taken, expired (its
 * owner died or finished its slot), or already `owner`'s. One conditional upsert, so of several
 * processes asking at once exactly one wins.
 */
export async function acquireLease(db: Executor, name: string, owner: string, now: number, until: number): Promise<boolean> {
  const result = await db.insertInto('job_leases').values({ name, owner, lease_until: until })
    .onConflict((oc) => oc.column('name')
      .doUpdateSet({ owner, lease_until: until })
      .where((eb) => eb.or([eb('job_leases.lease_until', '<=', now), eb('job_leases.owner', '=', owner)])))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Sets the end of `owner`'s lease (longer while a run goes on, or back to now to let it go); false if it is no longer `owner`'s. */
export async function setLeaseEnd(db: Executor, name: string, owner: string, until: number): Promise<boolean> {
  const result = await db.updateTable('job_leases').set({ lease_until: until }).where('name', '=', name).where('owner', '=', owner).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findLease(db: Executor, name: string) {
  return db.selectFrom('job_leases').selectAll().where('name', '=', name).executeTakeFirst();
}

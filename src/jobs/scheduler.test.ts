import { expect, it, vi } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { acquireLease, findLease, setLeaseEnd } from './job-lease.js';
import { type JobDefinition, runJobOnce, startScheduler } from './scheduler.js';

const quiet = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDatabase('job leases and the scheduler', (get) => {
  it('gives a lease to one owner at a time; it expires, and its owner may renew it', async () => {
    const db = get().db;
    expect(await acquireLease(db, 'lease-a', 'p1', 1000, 2000)).toBe(true);
    expect(await acquireLease(db, 'lease-a', 'p2', 1500, 2500)).toBe(false);
    expect(await acquireLease(db, 'lease-a', 'p1', 1500, 3000)).toBe(true);
    expect(await acquireLease(db, 'lease-a', 'p2', 3000, 4000)).toBe(true); // expired: a dead owner does not block for ever
    expect(await findLease(db, 'lease-a')).toMatchObject({ owner: 'p2', lease_until: 4000 });
    expect(await setLeaseEnd(db, 'lease-a', 'p1', 9999)).toBe(false);
  });

  it('runs a job under its lease: another process stands aside unless forced; the run is logged with its counts', async () => {
    const db = get().db;
    const job: JobDefinition = { name: 'lease-b', intervalMs: 60_000, leaseMs: 30_000, run: async () => ({ done: 1 }) };
    await acquireLease(db, 'lease-b', 'elsewhere', Date.now(), Date.now() + 60_000);
    expect(await runJobOnce(db, job, { owner: 'me', log: quiet })).toEqual({ job: 'lease-b', ran: false, reason: 'another process holds the lease' });
    expect(await runJobOnce(db, job, { owner: 'me', log: quiet, force: true })).toMatchObject({ job: 'lease-b', ran: true, counts: { done: 1 } });
    expect(quiet.info).toHaveBeenCalledWith(expect.objectContaining({ job: 'lease-b', done: 1, ms: expect.any(Number) }), 'job run finished');
    await setLeaseEnd(db, 'lease-b', 'elsewhere', 0);
    expect(await runJobOnce(db, job, { owner: 'me', log: quiet, holdSlot: true })).toMatchObject({ ran: true });
    // Holding the slot: the other processes skip this interval.
    expect((await findLease(db, 'lease-b'))!.lease_until).toBeGreaterThan(Date.now() + 50_000);
  });

  it('runs jobs periodically and, when stopped, asks the running one to stop and waits for it', async () => {
    const db = get().db;
    let runs = 0;
    let finished = false;
    const job: JobDefinition = {
      name: 'lease-c', intervalMs: 50, leaseMs: 5_000,
      run: async ({ signal }) => {
        runs += 1;
        if (runs < 3) return {};
        while (!signal.aborted) await sleep(10);
        await sleep(100); // the orders in flight finish
        finished = true;
        return { stopped: true };
      },
    };
    const scheduler = startScheduler(db, [job], { log: quiet, firstDelayMs: 0 });
    while (runs < 3) await sleep(10);
    await scheduler.stop();
    expect(finished).toBe(true);
    await sleep(120);
    expect(runs).toBe(3);
    expect((await findLease(db, 'lease-c'))!.lease_until).toBeLessThanOrEqual(Date.now()); // let go: a stopped run holds no slot
  });
});

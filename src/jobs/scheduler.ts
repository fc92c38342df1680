import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { acquireLease, setLeaseEnd } from './job-lease.js';

/** A periodic job: what it does, how often, and how long its lease lasts between renewals. */
export interface JobDefinition {
  name: string;
  intervalMs: number;
  /** The lease is renewed every third of this while a run goes on; a dead owner's lease expires after it. */
  leaseMs: number;
  /** Counts to log; should return soon after `signal` aborts. */
  run(ctx: { signal: AbortSignal; now: number }): Promise<Record<string, unknown>>;
}

export interface JobLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type JobOutcome = { job: string; ran: true; ms: number; counts: Record<string, unknown> } | { job: string; ran: false; reason: string };

export const newOwnerId = (): string => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/**
 * Runs one job once under its lease. `holdSlot`: keep the lease until the end of the interval after a
 * run, so the other processes skip this slot (`serve`); otherwise let it go at once (`run-jobs --once`).
 * `force` runs without the lease: safe for the jobs here, whose effects are keyed, and what an operator
 * needs when a lease is stuck or to prove that two runs at once change nothing twice.
 */
export async function runJobOnce(
  db: Db, job: JobDefinition, opts: { owner: string; log: JobLog; signal?: AbortSignal; holdSlot?: boolean; force?: boolean; now?: number },
): Promise<JobOutcome> {
  const started = Date.now();
  const leased = !opts.force;
  if (leased && !(await acquireLease(db, job.name, opts.owner, started, started + job.leaseMs))) {
    return { job: job.name, ran: false, reason: 'another process holds the lease' };
  }
  const controller = new AbortController();
  const forward = () => controller.abort();
  opts.signal?.addEventListener('abort', forward);
  const heartbeat = leased ? setInterval(() => {
    setLeaseEnd(db, job.name, opts.owner, Date.now() + job.leaseMs).then((mine) => {
      if (!mine) {
        opts.log.warn({ job: job.name }, 'job lease lost to another process; stopping this run');
        controller.abort();
      }
    }, (err: unknown) => opts.log.warn({ job: job.name, err }, 'job lease renewal failed'));
  }, Math.max(1000, Math.floor(job.leaseMs / 3))) : undefined;
  try {
    const counts = await job.run({ signal: controller.signal, now: opts.now ?? started });
    const ms = Date.now() - started;
    opts.log.info({ job: job.name, ms, ...counts }, 'job run finished');
    return { job: job.name, ran: true, ms, counts };
  } catch (err) {
    opts.log.error({ job: job.name, ms: Date.now() - started, err }, 'job run failed');
    throw err;
  } finally {
    clearInterval(heartbeat);
    opts.signal?.removeEventListener('abort', forward);
    if (leased) {
      const end = opts.holdSlot && !controller.signal.aborted ? Math.max(Date.now(), started + job.intervalMs - 1000) : Date.now();
      await setLeaseEnd(db, job.name, opts.owner, end).catch(() => {});
    }
  }
}

export interface Scheduler {
  /** Stops the timers, asks a running job to stop and waits for it. */
  stop(): Promise<void>;
}

/** Runs each job every `intervalMs` (first after `firstDelayMs`), under its lease, one run of a job at a time. */
export function startScheduler(db: Db, jobs: JobDefinition[], opts: { log: JobLog; firstDelayMs?: number; owner?: string }): Scheduler {
  const owner = opts.owner ?? newOwnerId();
  const controller = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();

  const schedule = (job: JobDefinition, delay: number) => {
    if (controller.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const started = Date.now();
      const run = runJobOnce(db, job, { owner, log: opts.log, signal: controller.signal, holdSlot: true })
        .catch(() => {}) // logged by runJobOnce; the next slot tries again
        .finally(() => {
          running.delete(run);
          schedule(job, Math.max(0, started + job.intervalMs - Date.now()));
        });
      running.add(run);
    }, delay);
    timer.unref();
    timers.add(timer);
  };
  for (const job of jobs) schedule(job, Math.min(opts.firstDelayMs ?? 5_000, job.intervalMs));

  return {
    async stop() {
      controller.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}

import type { Db, Trx } from './database.js';

/**
 * Shared transactions for independent writes on PostgreSQL (see transactIndependent in transact.ts).
 *
 * Measured on the order path: the backends spent most of their time `idle in transaction`, waiting for
 * the server's one thread to send the next statement, and each transaction costs that thread a `begin`
 * and a `commit` round trip of its own. Here the writes that arrive together share one transaction: they
 * run at the same time on its connection (node-postgres sends their statements one after another), and
 * one commit answers for all of them. A few such transactions run side by side, on their own connections.
 *
 * If any of them fails, nothing of the batch is kept: the transaction rolls back, each job that failed is
 * run again alone (its error is then its own: a validation error, a racing duplicate), and the others run
 * again together; should that second batch fail too, each runs alone. A failed commit is every job's
 * answer, as it would be alone: none is run again. Every caller learns its outcome only after its commit.
 */
export class PgWriteBatcher {
  private queue: Job[] = [];
  private running = 0;

  constructor(private readonly db: Db, private readonly parallel: number, private readonly maxBatch = 16) {}

  submit<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.running < this.parallel) {
        this.running++;
        // As on SQLite: the writes read off the sockets in this poll phase join the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) await this.runBatch(this.queue.splice(0, this.maxBatch), true);
    } finally {
      this.running--;
    }
  }

  private async runBatch(jobs: Job[], retryTogether: boolean): Promise<void> {
    if (jobs.length === 1) return this.runAlone(jobs[0]!);
    let settled: PromiseSettledResult<unknown>[] = [];
    let jobFailed = false;
    try {
      await this.db.transaction().execute(async (trx) => {
        settled = await Promise.allSettled(jobs.map((job) => job.work(trx)));
        jobFailed = settled.some((s) => s.status === 'rejected');
        if (jobFailed) throw BATCH_FAILED;
      });
    } catch (error) {
      // The transaction itself failed (its begin, or its commit, which may even have taken effect if the
      // connection broke): as with a transaction of one's own, the outcome is the error, never a rerun.
      if (!jobFailed) {
        for (const job of jobs) job.reject(error);
        return;
      }
      // No commit was sent, so nothing of the batch exists. A job that failed only because another's error
      // aborted the transaction is not at fault.
      const atFault = jobs.filter((_, i) => settled[i]?.status === 'rejected' && !abortedByAnother(settled[i]));
      const others = jobs.filter((job) => !atFault.includes(job));
      if (atFault.length === 0 || !retryTogether) {
        for (const job of jobs) await this.runAlone(job);
        return;
      }
      await Promise.all([...atFault.map((job) => this.runAlone(job)), others.length ? this.runBatch(others, false) : undefined]);
      return;
    }
    jobs.forEach((job, i) => job.resolve((settled[i] as PromiseFulfilledResult<unknown>).value));
  }

  private async runAlone(job: Job): Promise<void> {
    try {
      job.resolve(await this.db.transaction().execute(job.work));
    } catch (error) {
      job.reject(error);
    }
  }
}

interface Job {
  work: (trx: Trx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const BATCH_FAILED = new Error('a job of the batch failed');

/** 25P02: "current transaction is aborted", the error every statement gets after another one failed. */
function abortedByAnother(result: PromiseSettledResult<unknown> | undefined): boolean {
  return result?.status === 'rejected' && (result.reason as { code?: string } | null)?.code === '25P02';
}

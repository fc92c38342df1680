import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { recoverOpenOperations } from '../payments/charge/recover-operations.js';
import type { PaymentServices } from '../payments/payment-services.js';
import { runArSchedule } from '../payments/receivables/run-ar-schedule.js';
import type { JobDefinition } from './scheduler.js';
import { deliverPendingEmails } from '../mail/deliver-emails.js';
import { createConfiguredTransport } from '../mail/transport.js';
import { deleteFraudSignalsBefore } from '../fraud/fraud.repository.js';
import { upgradeSearchTerms } from '../search/search-terms-upgrade.js';
import { IDEMPOTENCY_RETENTION_MS, pruneIdempotencyKeys } from '../http/idempotency-retention.js';
import { preorderReleaseJob } from '../preorders/release-preorders.js';

export const JOB_NAMES = ['payment-recovery', 'ar-schedule', 'email-delivery', 'fraud-signal-pruning', 'search-terms-refresh', 'idempotency-key-pruning', 'preorder-release'] as const;

/** Velocity windows are at most 30 days (the settings' bound); a day more keeps every window whole. */
const SIGNAL_RETENTION_MS = 31 * 86_400_000;

/**
 * Orderdeck's periodic jobs, in the order `run-jobs --once` runs them: recovery first, so a charge a
 * crashed run left open is finished before the schedule looks at the order again.
 */
export function appJobs(
  db: Db, payments: PaymentServices, config: Pick<Config, 'recoveryIntervalMs' | 'arIntervalMs' | 'arConcurrency' | 'dataDir'>,
): JobDefinition[] {
  const transport = createConfiguredTransport(config);
  return [
    {
      name: 'payment-recovery',
      intervalMs: config.recoveryIntervalMs,
      leaseMs: 60_000,
      run: async ({ now, signal }) => {
        // Several pages per run, so a backlog (after an outage) clears within a run or two.
        const total = { examined: 0, resolved: 0, stillUnknown: 0 };
        for (let page = 0; page < 50 && !signal.aborted; page++) {
          const r = await recoverOpenOperations(db, payments, { now, limit: 200 });
          total.examined += r.examined;
          total.resolved += r.resolved;
          total.stillUnknown += r.stillUnknown;
          if (r.examined < 200 || r.resolved === 0) break;
        }
        return total;
      },
    },
    {
      name: 'ar-schedule',
      intervalMs: config.arIntervalMs,
      leaseMs: 120_000,
      run: async ({ now, signal }) => ({ ...(await runArSchedule(db, payments, { now, signal, concurrency: config.arConcurrency })) }),
    },
    {
      // Emails written in the same transaction as their action (payment requests) go out after commit, each at most once.
      name: 'email-delivery',
      intervalMs: 10_000,
      leaseMs: 60_000,
      run: async () => ({ ...(await deliverPendingEmails(db, transport, { limit: 100 })) }),
    },
    {
      name: 'fraud-signal-pruning',
      intervalMs: 3_600_000,
      leaseMs: 600_000,
      run: async ({ now }) => ({ deleted: await deleteFraudSignalsBefore(db, now - SIGNAL_RETENTION_MS) }),
    },
    {
      // After an upgrade whose search word rules changed: existing orders get the new terms in small
      // batches, resumable, while the server runs; a single settings read when nothing is due.
      name: 'search-terms-refresh',
      intervalMs: 300_000,
      leaseMs: 600_000,
      run: async ({ signal }) => ({ ...(await upgradeSearchTerms(db, { signal })) }),
    },
    {
      // Keyed responses are stored whole; past their retention a key is a new request.
      name: 'idempotency-key-pruning',
      intervalMs: 3_600_000,
      leaseMs: 600_000,
      run: async ({ now, signal }) => ({ deleted: await pruneIdempotencyKeys(db, now - IDEMPOTENCY_RETENTION_MS, signal) }),
    },
    // Items that became available: the orders waiting on them leave Pre-ordered, each in its own transaction.
    preorderReleaseJob(db, payments),
  ];
}

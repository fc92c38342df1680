import type { Db } from '../db/database.js';
import { transact } from '../db/transact.js';
import type { JobDefinition } from '../jobs/scheduler.js';
import { performLedgerOperation } from '../payments/charge/ledger-operation.js';
import type { PaymentServices } from '../payments/payment-services.js';
import { getPaymentSettings } from '../payments/payment-settings.js';
import { moveOrderToStage } from '../orders/move-order-stage.js';
import { lockOrderByNumber } from '../orders/orders.repository.js';
import type { OrderRow } from '../orders/orders.table.js';
import type { Actor } from '../shared/actor.js';
import { AppError } from '../shared/errors.js';
import { routeAfterPaymentStep } from '../stages/routing.js';
import type { PaymentMethod, PaymentStatus, Stage } from '../stages/stages.js';
import {
  clearPreorderLines, findReleasableOrders, findWaitingSkus, finishRelease, listOpenReleases, saveReleaseProgress,
} from './preorders.repository.js';
import type { PreorderReleaseRow } from './preorders.table.js';

/** Who the history of an automatically released order names. */
export const PREORDER_RELEASE_ACTOR: Actor = { kind: 'system', id: 'preorder-release', name: 'Pre-order release' };

/**
 * Where a released pre-order goes: the stage a person releasing it would pick, so the move passes the same
 * transition table. A fraud hold goes to Fraud Review first (the table's guard); otherwise the payment
 * step's stage (routing.ts) — settled money on to Shipping or Completed, anything else to Accounts
 * Receivable, which collects it (its schedule charges a card on file). Pending Clearance is entered only
 * with a submitted payment a notification can name, and no move by hand leads there: A/R instead.
 */
export function releaseTarget(row: Pick<OrderRow, 'fraud_hold' | 'payment_method' | 'payment_status' | 'has_shippable'>): Stage {
  if (row.fraud_hold === 1) return 'fraud_review';
  const route = routeAfterPaymentStep({
    paymentMethod: row.payment_method as PaymentMethod, paymentStatus: row.payment_status as PaymentStatus, hasShippable: row.has_shippable === 1,
  });
  return route.stage === 'pending_clearance' ? 'accounts_receivable' : route.stage;
}

export type ReleaseOutcome = 'released' | 'changed' | 'waiting' | 'refused';

/**
 * Releases one order in its own transaction, through the same use case as a release by hand
 * (moveOrderToStage: transition table, fraud-hold guard, no move while a charge is in flight, history row
 * and event with the move). The decision is made again under the order's lock from the order as it is now:
 * one moved meanwhile (by staff, or by another walker) is left alone, one that gained another pre-order
 * item keeps waiting, and the lock's version is the move's expected version.
 */
export async function releasePreorder(
  db: Db, payments: PaymentServices, orderNumber: string, sku: string, now = Date.now(),
): Promise<ReleaseOutcome> {
  try {
    const charge = { cardMode: (await getPaymentSettings(db)).cardMode, gateway: payments.gatewayName() };
    const released = await transact(db, async (trx) => {
      const row = await lockOrderByNumber(trx, orderNumber);
      if (!row || row.stage !== 'pre_ordered') return 'changed';
      if ((await findWaitingSkus(trx, row.id)).length > 0) return 'waiting';
      const charges = await moveOrderToStage(trx, {
        orderNumber, to: releaseTarget(row), reason: `item ${sku} available`, expected: { version: row.version, source: 'body' }, charge,
      }, PREORDER_RELEASE_ACTOR, now);
      await clearPreorderLines(trx, row.id);
      return charges;
    });
    if (typeof released === 'string') return released;
    // The card on file is charged after commit, as any release does; a gateway that does not answer leaves
    // a started row that recovery finishes, and a decline leaves the order in A/R like any unpaid order.
    for (const id of released) await performLedgerOperation(db, payments, id);
    return 'released';
  } catch (error) {
    // A move the rules refuse now (a charge in flight, a write that raced the lock on SQLite) is left to
    // staff, as an order the walk cannot decide; anything else is a fault and stops the run.
    if (error instanceof AppError && ['transition_refused', 'conflict', 'version_conflict', 'not_found'].includes(error.code)) return 'refused';
    throw error;
  }
}

export interface ReleaseRun {
  /** Release requests walked to the end in this run. */
  finished: number;
  released: number;
  /** Moved meanwhile, or found waiting on another item under the lock. */
  skipped: number;
  refused: number;
  stopped?: boolean;
}

/**
 * Walks every open release (an item that became available) over the orders waiting on its SKU, in order
 * id order, a batch at a time, saving its place after each batch; a release whose walk reaches the end is
 * finished. After a crash the next run starts from the saved place, and orders already released are no
 * longer in Pre-ordered, so nothing is released twice. Two runs at once (two processes on one PostgreSQL)
 * may look at the same order: the order's lock and the stage check let exactly one of them move it.
 */
export async function releaseAvailablePreorders(db: Db, payments: PaymentServices, opts: { now?: number; signal?: AbortSignal; batchSize?: number } = {}): Promise<ReleaseRun> {
  const run: ReleaseRun = { finished: 0, released: 0, skipped: 0, refused: 0 };
  const batchSize = opts.batchSize ?? 200;
  for (;;) {
    const open = await listOpenReleases(db, 20);
    for (const release of open) {
      if (opts.signal?.aborted) return { ...run, stopped: true };
      if (await walkRelease(db, payments, release, run, batchSize, opts)) run.finished += 1;
    }
    if (open.length < 20 || opts.signal?.aborted) return opts.signal?.aborted ? { ...run, stopped: true } : run;
  }
}

async function walkRelease(
  db: Db, payments: PaymentServices, release: PreorderReleaseRow, run: ReleaseRun, batchSize: number, opts: { now?: number; signal?: AbortSignal },
): Promise<boolean> {
  let after = Number(release.after_order_id);
  for (;;) {
    if (opts.signal?.aborted) return false;
    const batch = await findReleasableOrders(db, release.sku, after, batchSize);
    let released = 0;
    for (const order of batch) {
      const outcome = await releasePreorder(db, payments, order.order_number, release.sku, opts.now ?? Date.now());
      if (outcome === 'released') released += 1;
      else if (outcome === 'refused') run.refused += 1;
      else run.skipped += 1;
    }
    run.released += released;
    if (batch.length) {
      after = Number(batch.at(-1)!.id);
      await saveReleaseProgress(db, release.id, after, released);
    }
    if (batch.length < batchSize) {
      await finishRelease(db, release.id, opts.now ?? Date.now());
      return true;
    }
  }
}

/**
 * The periodic job (jobs/app-jobs.ts): a catalog edit that makes an item available is acted on within a
 * slot. Each release is stamped with the time it happens, not the run's start: a walk of thousands of
 * orders takes a while, and the history should say when each order left.
 */
export const preorderReleaseJob = (db: Db, payments: PaymentServices): JobDefinition => ({
  name: 'preorder-release',
  intervalMs: 15_000,
  leaseMs: 120_000,
  run: async ({ signal }) => ({ ...(await releaseAvailablePreorders(db, payments, { signal })) }),
});

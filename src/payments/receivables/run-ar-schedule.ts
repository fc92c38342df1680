import { type Db, isUniqueViolation } from '../../db/database.js';
import { transact } from '../../db/transact.js';
import type { StoredPayment } from '../../orders/orders.mapper.js';
import { performLedgerOperations } from '../charge/ledger-operation.js';
import type { PaymentServices } from '../payment-services.js';
import { DAY_MS, type DueAction, dueAction, getArSchedule } from './ar-schedule.js';
import { type PlannedCharge, rejectBySchedule, scheduleKey, type Skip, startScheduledCharges } from './ar-schedule-actions.js';
import { createPool } from './concurrency.js';
import { type ArCandidateRow, findExistingKeys, findVaultedTokens, listArOrders } from './receivables.repository.js';

export interface ArRun {
  /** Orders in A/R long enough to have a day due. */
  examined: number;
  charged: number;
  approved: number;
  declined: number;
  /** Charges whose answer is not known yet (started/unknown/pending): recovery finishes them. */
  open: number;
  rejected: number;
  /** A day's charge due, but no card in the vault (offline methods, e-checks, phone orders without a card). */
  noCard: number;
  /** Already done for the day, moved meanwhile, or a charge still in flight. */
  skipped: number;
  failed: number;
  disabled?: boolean;
  stopped?: boolean;
}

export interface ArRunOptions {
  /** The instant the run acts at (tests travel in time with it); default now. */
  now?: number;
  /** At most this many orders examined. */
  limit?: number;
  /** Gateway calls in flight at once. */
  concurrency?: number;
  batchSize?: number;
  /** Stops feeding new orders (those in flight finish); for a clean shutdown. */
  signal?: AbortSignal;
  onError?: (error: unknown) => void;
}

type Planned = { order: ArCandidateRow; due: DueAction; token?: string };

/**
 * Runs the A/R retry schedule once: walks the orders in Accounts Receivable by (stage, entered, id)
 * a page at a time, and gives each the action its day asks for that has not been taken yet: a sale
 * keyed `ar:<order>:e<entered>:day<N>` or a reject. The cheap checks (key already in the ledger, card
 * not vaulted) run per page; the authoritative ones run under the order's lock. Safe to run in several
 * processes at once: one key, one ledger row, one charge.
 */
export async function runArSchedule(db: Db, services: PaymentServices, opts: ArRunOptions = {}): Promise<ArRun> {
  const run: ArRun = { examined: 0, charged: 0, approved: 0, declined: 0, open: 0, rejected: 0, noCard: 0, skipped: 0, failed: 0 };
  const schedule = await getArSchedule(db);
  if (!schedule.enabled) return { ...run, disabled: true };
  const now = opts.now ?? Date.now();
  const clock = opts.now !== undefined ? () => now : Date.now;
  const gateway = services.gatewayName();
  // Charges go in groups (one transaction writes a group's rows), so the pool holds groups: groups × size ≈ concurrency.
  const concurrency = opts.concurrency ?? 24;
  const groupSize = Math.max(1, Math.min(16, Math.floor(concurrency / 2)));
  const pool = createPool(Math.max(1, Math.round(concurrency / groupSize)), (error) => {
    run.failed += 1;
    opts.onError?.(error);
  });
  const batchSize = opts.batchSize ?? 1000;
  const skip = (reason: Skip | 'rejected') => (reason === 'rejected' ? (run.rejected += 1) : (run.skipped += 1));

  /** A group's sales are written in one transaction, then each is sent to the gateway and its outcome applied. */
  const chargeGroup = async (group: PlannedCharge[]) => {
    let started;
    try {
      started = await transact(db, (trx) => startScheduledCharges(trx, group, { gateway, now: clock() }));
    } catch (error) {
      if (isUniqueViolation(error)) return void (run.skipped += group.length); // another process wrote the same day's keys first
      throw error;
    }
    const ids: number[] = [];
    for (const s of started) {
      if ('skipped' in s) skip(s.skipped);
      else ids.push(s.ledgerId);
    }
    run.charged += ids.length;
    // The group's answers are recorded in one transaction: one commit (one WAL flush on PostgreSQL) per group.
    for (const result of await performLedgerOperations(db, services, ids, { now: clock })) {
      if (result.status === 'approved') run.approved += 1;
      else if (result.status === 'declined' || result.status === 'failed') run.declined += 1;
      else run.open += 1;
    }
  };
  let pending: PlannedCharge[] = [];
  const flush = async () => {
    const group = pending;
    pending = [];
    if (group.length) await pool.run(() => chargeGroup(group));
  };

  let after: { enteredAt: number; id: number } | undefined;
  while (!opts.signal?.aborted) {
    const room = opts.limit !== undefined ? opts.limit - run.examined : batchSize;
    if (room <= 0) break;
    const page = await listArOrders(db, after, now - DAY_MS, Math.min(batchSize, room));
    if (page.length === 0) break;
    const last = page.at(-1)!;
    after = { enteredAt: last.stage_entered_at, id: last.id };
    run.examined += page.length;
    for (const p of await planPage(db, page, schedule, now)) {
      if (opts.signal?.aborted) break;
      if (p.due.action === 'reject') {
        const due = p.due;
        await pool.run(async () => void skip(await transact(db, (trx) => rejectBySchedule(trx, p.order, due, clock()))));
      } else if (!p.token) {
        run.noCard += 1;
      } else {
        pending.push({ order: p.order, due: p.due, token: p.token });
        if (pending.length >= groupSize) await flush();
      }
    }
    await flush();
    if (page.length < batchSize) break;
  }
  await flush();
  await pool.drain();
  return opts.signal?.aborted ? { ...run, stopped: true } : run;
}

/** The page's orders with an action due and not yet taken, each charge with its vaulted card (if any). */
async function planPage(db: Db, page: ArCandidateRow[], schedule: Parameters<typeof dueAction>[0], now: number): Promise<Planned[]> {
  const planned: Planned[] = [];
  for (const order of page) {
    const due = dueAction(schedule, now - order.stage_entered_at);
    if (due) planned.push({ order, due });
  }
  const charges = planned.filter((p) => p.due.action === 'charge');
  const keyOf = (p: Planned) => scheduleKey(p.order.order_number, p.order.stage_entered_at, p.due.day);
  const taken = await findExistingKeys(db, charges.map(keyOf));
  const tokenOf = (p: Planned) => (p.order.payment_method === 'credit_card' ? (JSON.parse(p.order.payment_json) as StoredPayment).card?.token : undefined);
  const vaulted = await findVaultedTokens(db, charges.map(tokenOf).filter((t): t is string => !!t));
  const out: Planned[] = [];
  for (const p of planned) {
    if (p.due.action === 'charge') {
      if (taken.has(keyOf(p))) continue;
      const token = tokenOf(p);
      out.push(token && vaulted.has(token) ? { ...p, token } : p);
    } else {
      out.push(p);
    }
  }
  return out;
}

import { isPostgres, type Trx } from '../../db/database.js';
import { changeOrderStage } from '../../orders/move-order-stage.js';
import { insertOrderHistory } from '../../orders/orders.repository.js';
import { actorLabel } from '../../shared/actor.js';
import { formatMoney } from '../../shared/money.js';
import { retryDelayMs } from '../charge/ledger-operation.js';
import { dueOf } from '../ledger/ledger.mapper.js';
import { listLedgerRows, lockOrderById } from '../ledger/ledger.repository.js';
import type { LedgerRow, NewLedgerRow } from '../ledger/ledger.table.js';
import type { OrderItemRow } from '../../orders/orders.table.js';
import { couponRoom, type SaleCoupon } from './ar-coupon.js';
import type { DueAction } from './ar-schedule.js';
import { couponOff } from './ar-schedule.js';
import { type ArCandidateRow, chargeInFlight, countScheduleRejection } from './receivables.repository.js';

export const AR_SCHEDULE_ACTOR = actorLabel({ kind: 'system', id: 'ar-schedule', name: 'A/R retry schedule' });

/**
 * The idempotency key of one scheduled charge: deterministic, so two processes running the schedule at
 * once produce the same key and the ledger's unique key (and the gateway's deduplication) let only one
 * charge through. The entry time keeps an order that comes back to A/R later from meeting its old keys.
 */
export const scheduleKey = (orderNumber: string, enteredAt: number, day: number): string => `ar:${orderNumber}:e${enteredAt}:day${day}`;

export type Skip = 'moved' | 'taken' | 'in_flight' | 'nothing_due';
type Charge = Extract<DueAction, { action: 'charge' }>;
type Reject = Extract<DueAction, { action: 'reject' }>;

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Locks the order and checks it is still the one the run saw: in A/R since the same instant. */
async function lockUnchanged(trx: Trx, c: ArCandidateRow) {
  const order = await lockOrderById(trx, c.id);
  return order && order.stage === 'accounts_receivable' && order.stage_entered_at === c.stage_entered_at ? order : undefined;
}

export interface PlannedCharge {
  order: ArCandidateRow;
  due: Charge;
  token: string;
}

/**
 * Writes the `started` sales of a group of orders (perform them after commit), in one transaction:
 * the orders locked in id order (so two processes on the same group never deadlock), their ledgers and
 * lines read once, the rows inserted at once. Per order, the amount is what is due less the day's
 * coupon, recorded on the sale (`details.coupon`) with a history row. The coupon becomes the order's
 * discount only when the sale is approved (`applySaleCoupon`, in the transaction recording the answer):
 * a declined charge earned no discount, and the order still owes what it did.
 */
export async function startScheduledCharges(
  trx: Trx, group: readonly PlannedCharge[], opts: { gateway: string; now: number },
): Promise<({ ledgerId: number } | { skipped: Skip })[]> {
  const ids = [...new Set(group.map((g) => g.order.id))].sort((a, b) => a - b);
  const orders = new Map((await lockOrdersById(trx, ids)).map((o) => [o.id, o]));
  const ledgers = new Map<number, LedgerRow[]>();
  for (const row of await trx.selectFrom('payment_ledger').selectAll().where('order_id', 'in', ids).execute()) {
    ledgers.set(Number(row.order_id), [...(ledgers.get(Number(row.order_id)) ?? []), row]);
  }
  // A coupon is capped to what the lines can take, so only a coupon day needs them.
  const lines = new Map<number, OrderItemRow[]>();
  const couponDay = group.some((g) => g.due.couponAmount !== undefined || g.due.couponPercent !== undefined);
  for (const item of couponDay ? await trx.selectFrom('order_items').selectAll().where('order_id', 'in', ids).execute() : []) {
    lines.set(Number(item.order_id), [...(lines.get(Number(item.order_id)) ?? []), item]);
  }
  const results: ({ ledgerId: number } | { skipped: Skip })[] = [];
  const inserts: { at: number; key: string; row: NewLedgerRow }[] = [];
  const notes: { orderId: number; reason: string }[] = [];
  for (const [i, { order: c, due, token }] of group.entries()) {
    const order = orders.get(c.id);
    if (!order || order.stage !== 'accounts_receivable' || order.stage_entered_at !== c.stage_entered_at) {
      results.push({ skipped: 'moved' });
      continue;
    }
    const key = scheduleKey(order.order_number, order.stage_entered_at, due.day);
    const rows = ledgers.get(order.id) ?? [];
    const owed = dueOf(order);
    const skipped: Skip | undefined = rows.some((r) => r.idempotency_key === key) || inserts.some((x) => x.key === key) ? 'taken'
      : chargeInFlight(rows) ? 'in_flight' : owed <= 0 ? 'nothing_due' : undefined;
    if (skipped) {
      results.push({ skipped });
      continue;
    }
    // Money off the goods only: what the lines cannot absorb (shipping, tax) is still charged.
    const off = Math.min(couponOff(owed, due, order.currency), couponRoom(lines.get(order.id) ?? []));
    const amount = owed - off;
    const coupon: SaleCoupon | undefined = off > 0
      ? {
        amountOff: off, onOrder: true,
        ...(due.couponAmount !== undefined ? { couponAmount: due.couponAmount, couponCurrency: due.couponCurrency ?? order.currency } : { couponPercent: due.couponPercent! }),
      }
      : undefined;
    inserts.push({
      at: i, key, row: {
        order_id: order.id, kind: 'sale', amount, currency: order.currency, gateway: opts.gateway, status: 'started', idempotency_key: key,
        source_token: token, actor: AR_SCHEDULE_ACTOR, reason: `A/R retry schedule: day ${due.day}`,
        details_json: JSON.stringify({ arDay: due.day, due: owed, ...(coupon ? { coupon } : {}) }),
        attempts: 0, created_at: opts.now, next_attempt_at: opts.now + retryDelayMs(0),
      },
    });
    results.push({ ledgerId: 0 });
    if (coupon) {
      const what = due.couponPercent !== undefined ? `${due.couponPercent}% coupon` : 'coupon';
      notes.push({
        orderId: order.id,
        reason: `A/R retry schedule day ${due.day}: ${what} takes ${formatMoney(off, order.currency)} off the ${formatMoney(owed, order.currency)} due; charging ${formatMoney(amount, order.currency)}`,
      });
    }
  }
  if (inserts.length) {
    const ids = await trx.insertInto('payment_ledger').values(inserts.map((x) => x.row)).returning(['id', 'idempotency_key']).execute();
    const byKey = new Map(ids.map((r) => [r.idempotency_key, Number(r.id)]));
    for (const x of inserts) results[x.at] = { ledgerId: byKey.get(x.key)! };
  }
  for (const n of notes) await insertOrderHistory(trx, { orderId: n.orderId, at: opts.now, actor: AR_SCHEDULE_ACTOR, kind: 'payment', reason: n.reason });
  return results;
}

/** Reads the orders and, on PostgreSQL, locks them in id order for the rest of the transaction. */
async function lockOrdersById(trx: Trx, ids: number[]) {
  const query = trx.selectFrom('orders').selectAll().where('id', 'in', ids).orderBy('id');
  return (isPostgres(trx) ? query.forUpdate() : query).execute();
}

/** Rejects the order as the schedule says, unless a charge of it is still in flight (the money may be moving). */
export async function rejectBySchedule(trx: Trx, c: ArCandidateRow, due: Reject, now: number): Promise<'rejected' | Skip> {
  const order = await lockUnchanged(trx, c);
  if (!order) return 'moved';
  if (chargeInFlight(await listLedgerRows(trx, order.id))) return 'in_flight';
  await changeOrderStage(trx, order, 'rejected', due.reason, AR_SCHEDULE_ACTOR, now);
  await countScheduleRejection(trx, utcDay(now));
  return 'rejected';
}

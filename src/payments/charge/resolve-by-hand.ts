import type { Trx } from '../../db/database.js';
import { lockOrderByNumber } from '../../orders/orders.repository.js';
import type { OrderRow } from '../../orders/orders.table.js';
import type { Permission } from '../../auth/permissions.js';
import { stageActPermission } from '../../auth/permissions.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';
import type { Stage } from '../../stages/stages.js';
import { reapplyIgnoredEvents } from '../gateway/notifications.js';
import { findLedgerRow, resolveLedgerRow } from '../ledger/ledger.repository.js';
import type { LedgerRow } from '../ledger/ledger.table.js';
import { syncOrderPayment } from './sync-order-payment.js';

export interface HandResolution {
  /** What the gateway (its dashboard, its support) says happened. */
  outcome: 'approved' | 'failed';
  /** The gateway's transaction reference; required for `approved` when Orderdeck never learned it. */
  gatewayReference?: string | undefined;
  /** How the person found out, for the history: "confirmed on the gateway dashboard, batch 0412". */
  note: string;
}

/**
 * Records by hand the outcome of a charge Orderdeck cannot learn by itself: an answer lost that cannot be
 * asked again (an e-check's account number is never stored, so recovery has nothing to resend). Left
 * alone it keeps the order "waiting on a charge in flight" for good, which blocks retries and the A/R
 * schedule; a person who has checked with the gateway says what happened, and the order's payment and
 * stage follow as they would from the gateway's own answer. An e-check the gateway did accept is only
 * submitted, not paid: it becomes pending and waits in Pending Clearance for its notification like any
 * other, since that is the only way out of Pending Clearance. Refunds, captures and voids are not resolved
 * here: recovery can always ask the gateway about them again with their idempotency key.
 */
export async function resolveChargeByHand(
  trx: Trx, orderNumber: string, ledgerId: number, input: HandResolution, who: { actor: string; permissions: ReadonlySet<Permission> }, now: number,
): Promise<void> {
  const order = await lockOrderByNumber(trx, orderNumber);
  if (!order) throw notFound('order', orderNumber);
  requireStagePermission(order, who.permissions);
  const row = await findLedgerRow(trx, ledgerId);
  if (!row || Number(row.order_id) !== order.id) throw notFound('payment ledger entry', String(ledgerId));
  if (row.kind !== 'sale' && row.kind !== 'authorize') {
    throw new AppError('transition_refused', `entry ${ledgerId} is a ${row.kind}: only charges are resolved by hand; recovery asks the gateway about the rest`);
  }
  if (row.status === 'pending') {
    throw new AppError('transition_refused', `entry ${ledgerId} is pending: it clears or fails only by the gateway's signed notification`);
  }
  if (row.status !== 'unknown') throw new AppError('transition_refused', `entry ${ledgerId} is ${row.status}: only a charge whose outcome is unknown is resolved by hand`);
  // A card's charge is asked about again by recovery, with the same key, until the gateway answers.
  if (row.source_token !== null) {
    throw new AppError('transition_refused', `entry ${ledgerId} is a card charge: recovery asks the gateway again with its idempotency key until it answers`);
  }
  const note = input.note.trim();
  if (!note) throw invalid('/note', 'say how the outcome was confirmed (gateway dashboard, support ticket…)');
  const reference = input.gatewayReference?.trim() || row.gateway_reference;
  if (input.outcome === 'approved' && !reference) throw invalid('/gatewayReference', 'an approved charge needs the gateway\'s transaction reference');
  if (input.outcome === 'approved' && reference) await refuseReferenceInUse(trx, row, reference);

  const submitted = order.payment_method === 'e_check';
  // A reference typed in (not the one the gateway answered with) is marked, so it alone may be corrected later.
  const typed = input.outcome === 'approved' && reference !== row.gateway_reference ? { details_json: withHandReference(row.details_json, who.actor, now) } : {};
  const patch = input.outcome === 'failed'
    ? { status: 'failed' as const, decline_code: 'resolved_by_hand', message: note, resolved_at: now, next_attempt_at: null }
    : submitted
      ? { status: 'pending' as const, gateway_reference: reference, message: note, next_attempt_at: null, ...typed }
      : { status: 'approved' as const, gateway_reference: reference, message: note, resolved_at: now, next_attempt_at: null, ...typed };
  // From the status read under the order's lock: a notification applied meanwhile would have changed it.
  if (!(await resolveLedgerRow(trx, row.id, [row.status], patch))) throw new AppError('conflict', `entry ${ledgerId} changed meanwhile; reload`);
  const amount = formatMoney(Number(row.amount), row.currency);
  const line = input.outcome === 'failed'
    ? `charge of ${amount} recorded as failed by hand: ${note}`
    : `charge of ${amount} recorded as ${submitted ? 'accepted by the gateway, awaiting clearance,' : 'approved'} by hand (${reference}): ${note}`;
  await syncOrderPayment(trx, order, who.actor, line, now);
  // The gateway may have notified us about this transaction while its reference was still unknown here.
  if (input.outcome === 'approved' && reference) await reapplyIgnoredEvents(trx, row.gateway, reference, now);
}

/** Who typed the row's gateway reference in, and when: kept in its details, beside anything else there (an A/R coupon). */
export interface HandReference {
  actor: string;
  at: string;
}

/** The row's gateway reference was typed in by a person (resolved or corrected by hand), not answered by the gateway. */
export function handReferenceOf(row: Pick<LedgerRow, 'details_json'>): HandReference | undefined {
  if (!row.details_json?.includes('"referenceByHand"')) return undefined;
  return (JSON.parse(row.details_json) as { referenceByHand?: HandReference }).referenceByHand;
}

export function withHandReference(detailsJson: string | null, actor: string, now: number): string {
  const details = detailsJson ? (JSON.parse(detailsJson) as Record<string, unknown>) : {};
  return JSON.stringify({ ...details, referenceByHand: { actor, at: new Date(now).toISOString() } satisfies HandReference });
}

/**
 * A gateway reference names one transaction: notifications are matched to the ledger by it (the first row
 * holding it), so a reference typed in that another row already holds would strand this order in Pending
 * Clearance and send that transaction's notifications to the other row. Refused before anything is written.
 */
export async function refuseReferenceInUse(trx: Trx, row: LedgerRow, reference: string): Promise<void> {
  // Belongs in ledger.repository.ts (findLedgerRowByReference answers only the first row, which may be this one).
  const other = await trx.selectFrom('payment_ledger').select(['id', 'order_id'])
    .where('gateway', '=', row.gateway).where('gateway_reference', '=', reference).where('id', '!=', row.id)
    .executeTakeFirst();
  if (other) {
    // The other order is not named: the caller may not be allowed to see its stage.
    const where = Number(other.order_id) === Number(row.order_id) ? 'another entry of this order' : 'another order\'s payment';
    throw new AppError('conflict', `${row.gateway} reference ${reference} is already recorded on ${where}: check the reference with the gateway`, { field: '/gatewayReference' });
  }
}

/** The desk the order sits in decides who may settle its payment: A/R staff for A/R, and so on. */
function requireStagePermission(order: OrderRow, permissions: ReadonlySet<Permission>): void {
  const needed = stageActPermission(order.stage as Stage);
  if (!permissions.has(needed)) throw new AppError('forbidden', `resolving a payment of an order in ${order.stage} needs the "${needed}" permission`);
}

import type { Trx } from '../../db/database.js';
import { lockOrderByNumber } from '../../orders/orders.repository.js';
import type { OrderRow } from '../../orders/orders.table.js';
import type { Permission } from '../../auth/permissions.js';
import { stageActPermission } from '../../auth/permissions.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';
import type { Stage } from '../../stages/stages.js';
import { findLedgerRow, resolveLedgerRow } from '../ledger/ledger.repository.js';
import { type PaymentSync, syncOrderPayment } from './sync-order-payment.js';

export interface HandResolution {
  /** What the gateway (its dashboard, its support) says happened. */
  outcome: 'approved' | 'failed';
  /** The gateway's transaction reference; required for `approved` when Orderdeck never learned it. */
  gatewayReference?: string | undefined;
  /** How the person found out, for the history: "confirmed on the gateway dashboard, batch 0412". */
  note: string;
}

/**
 * Records by hand the outcome of a charge Orderdeck cannot learn by itself. Two cases reach here: an
 * answer lost that cannot be asked again (an e-check's account number is never stored, so recovery has
 * nothing to resend), and a pending e-check whose notification never came. Left alone, either keeps the
 * order "waiting on a charge in flight" for good, which blocks retries and the A/R schedule; a person who
 * has checked with the gateway says what happened, and the order's payment and stage follow from that as
 * they would from the gateway's own answer. Refunds, captures and voids are not resolved here: recovery
 * can always ask the gateway about them again with their idempotency key.
 */
export async function resolveChargeByHand(
  trx: Trx, orderNumber: string, ledgerId: number, input: HandResolution, who: { actor: string; permissions: ReadonlySet<Permission> }, now: number,
): Promise<PaymentSync> {
  const order = await lockOrderByNumber(trx, orderNumber);
  if (!order) throw notFound('order', orderNumber);
  requireStagePermission(order, who.permissions);
  const row = await findLedgerRow(trx, ledgerId);
  if (!row || Number(row.order_id) !== order.id) throw notFound('payment ledger entry', String(ledgerId));
  if (row.kind !== 'sale' && row.kind !== 'authorize') {
    throw new AppError('transition_refused', `entry ${ledgerId} is a ${row.kind}: only charges are resolved by hand; recovery asks the gateway about the rest`);
  }
  if (row.status !== 'unknown' && row.status !== 'pending') {
    throw new AppError('transition_refused', `entry ${ledgerId} is ${row.status}: only a charge whose outcome is unknown or still pending is resolved by hand`);
  }
  const note = input.note.trim();
  if (!note) throw invalid('/note', 'say how the outcome was confirmed (gateway dashboard, support ticket…)');
  const reference = input.gatewayReference?.trim() || row.gateway_reference;
  if (input.outcome === 'approved' && !reference) throw invalid('/gatewayReference', 'an approved charge needs the gateway\'s transaction reference');

  const patch = input.outcome === 'approved'
    ? { status: 'approved' as const, gateway_reference: reference, message: note, resolved_at: now, next_attempt_at: null }
    : { status: 'failed' as const, decline_code: 'resolved_by_hand', message: note, resolved_at: now, next_attempt_at: null };
  // From the status read under the order's lock: a notification applied meanwhile would have changed it.
  if (!(await resolveLedgerRow(trx, row.id, [row.status], patch))) throw new AppError('conflict', `entry ${ledgerId} changed meanwhile; reload`);
  const amount = formatMoney(Number(row.amount), row.currency);
  const line = input.outcome === 'approved'
    ? `charge of ${amount} recorded as approved by hand (${reference}): ${note}`
    : `charge of ${amount} recorded as failed by hand: ${note}`;
  return syncOrderPayment(trx, order, who.actor, line, now);
}

/** The desk the order sits in decides who may settle its payment: A/R staff for A/R, and so on. */
function requireStagePermission(order: OrderRow, permissions: ReadonlySet<Permission>): void {
  const needed = stageActPermission(order.stage as Stage);
  if (!permissions.has(needed)) throw new AppError('forbidden', `resolving a payment of an order in ${order.stage} needs the "${needed}" permission`);
}

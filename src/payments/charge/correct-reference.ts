import type { Trx } from '../../db/database.js';
import type { Permission } from '../../auth/permissions.js';
import { stageActPermission } from '../../auth/permissions.js';
import { lockOrderForChange } from '../../orders/order-lock.js';
import { insertOrderHistory, updateOrderRow } from '../../orders/orders.repository.js';
import { enqueueEvent } from '../../outbox/outbox.repository.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';
import { type ExpectedVersion, staleVersion } from '../../shared/versioning.js';
import { reapplyIgnoredEvents } from '../gateway/notifications.js';
import { findLedgerRow, resolveLedgerRow } from '../ledger/ledger.repository.js';
import type { LedgerRow } from '../ledger/ledger.table.js';
import { handReferenceOf, refuseReferenceInUse, withHandReference } from './resolve-by-hand.js';

export interface ReferenceCorrection {
  /** The gateway's transaction reference as the gateway shows it. */
  gatewayReference: string;
  /** Why it is corrected, for the order's history: "typed the batch number, not the transaction id". */
  reason: string;
  expected?: ExpectedVersion | undefined;
}

/** Always Pending Clearance's desk (the only stage such a charge waits in): accounting, managers, admins. */
const PERMISSION: Permission = stageActPermission('pending_clearance');

/**
 * Corrects the gateway reference a person typed in when recording an e-check as accepted by hand
 * (resolve-by-hand.ts). Notifications are matched to the ledger by reference only, so a wrong one leaves
 * the order in Pending Clearance for good: the real notification matches nothing and is kept `ignored`,
 * and nothing else moves an order out of that stage. Only a reference typed by hand is corrected (one the
 * gateway answered with is the gateway's own), and only while its charge is still pending: once a
 * notification has settled it, changing the reference would rewrite what the money was matched on.
 * Notifications already kept for the corrected reference are then applied, in the order they happened,
 * so the order moves on as if they had arrived now; their event ids are unique, so nothing applies twice.
 * Returns how many kept notifications were applied.
 */
export async function correctHandReference(
  trx: Trx, orderNumber: string, ledgerId: number, input: ReferenceCorrection,
  who: { actor: string; permissions: ReadonlySet<Permission> }, now: number,
): Promise<number> {
  const order = await lockOrderForChange(trx, orderNumber, input.expected);
  if (!who.permissions.has(PERMISSION)) throw new AppError('forbidden', `correcting a gateway reference needs the "${PERMISSION}" permission`);
  const row = await findLedgerRow(trx, ledgerId);
  if (!row || Number(row.order_id) !== order.id) throw notFound('payment ledger entry', String(ledgerId));
  refuseUnlessCorrectable(row, order.stage);
  const reason = input.reason.trim();
  if (!reason) throw invalid('/reason', 'say why the reference is corrected and where the right one was found');
  const reference = input.gatewayReference.trim();
  if (!reference) throw invalid('/gatewayReference', 'give the gateway\'s transaction reference');
  const before = row.gateway_reference!;
  if (reference === before) throw invalid('/gatewayReference', `${reference} is already this entry's reference`);
  await refuseReferenceInUse(trx, row, reference);
  await refuseMismatchedNotifications(trx, row, reference);

  const patch = { gateway_reference: reference, details_json: withHandReference(row.details_json, who.actor, now) };
  // From pending, read under the order's lock: a notification applied meanwhile would have settled it.
  if (!(await resolveLedgerRow(trx, row.id, ['pending'], patch))) throw new AppError('conflict', `entry ${ledgerId} changed meanwhile; reload`);
  if (!(await updateOrderRow(trx, order.id, order.version, { updated_at: now }))) {
    throw staleVersion('order', input.expected ?? { version: order.version, source: 'body' }, order.version + 1);
  }
  const amount = formatMoney(Number(row.amount), row.currency);
  await insertOrderHistory(trx, {
    orderId: order.id, at: now, actor: who.actor, kind: 'payment', reason: `gateway reference of the charge of ${amount} (entry ${row.id}) corrected: ${reason}`,
    changes: [`gateway reference ${before} → ${reference}`],
  });
  await enqueueEvent(trx, 'order.payment_reference_corrected', { type: 'order', id: order.order_number }, {
    orderId: order.order_number, ledgerId: row.id, gateway: row.gateway, from: before, to: reference, reason,
  }, now);
  // The gateway may have notified us about the right reference already; it was kept, matching nothing.
  return reapplyIgnoredEvents(trx, row.gateway, reference, now);
}

/** A charge still pending whose reference a person typed, on an order waiting in Pending Clearance. */
function refuseUnlessCorrectable(row: LedgerRow, stage: string): void {
  const entry = `entry ${row.id}`;
  if (row.kind !== 'sale' && row.kind !== 'authorize') throw new AppError('transition_refused', `${entry} is a ${row.kind}: only a charge's reference is corrected`);
  if (!handReferenceOf(row) || !row.gateway_reference) {
    throw new AppError('transition_refused', `${entry}'s reference was not entered by hand: it is the gateway's own answer`);
  }
  if (row.status !== 'pending') {
    throw new AppError('transition_refused', `${entry} is ${row.status}: a reference is corrected only while its charge awaits clearance`);
  }
  if (stage !== 'pending_clearance') {
    throw new AppError('transition_refused', `the order is in ${stage}: a reference is corrected only while the order waits in pending_clearance`);
  }
}

/**
 * A clearing or bounce kept for the new reference that names another amount or currency is another
 * transaction's: applying it would settle this charge with someone else's money. Refused, naming the field.
 */
async function refuseMismatchedNotifications(trx: Trx, row: LedgerRow, reference: string): Promise<void> {
  const kept = await trx.selectFrom('gateway_events').select(['type', 'amount', 'currency'])
    .where('gateway', '=', row.gateway).where('reference', '=', reference).where('status', '=', 'ignored')
    .where('type', 'in', ['cleared', 'failed']).execute();
  const other = kept.find((e) => Number(e.amount) !== Number(row.amount) || e.currency !== row.currency);
  if (other) {
    throw new AppError('conflict', `the ${row.gateway} notification kept for ${reference} is for ${formatMoney(Number(other.amount), other.currency)}, `
      + `this charge is ${formatMoney(Number(row.amount), row.currency)}: check the reference with the gateway`, { field: '/gatewayReference' });
  }
}

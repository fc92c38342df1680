import type { FastifyBaseLogger } from 'fastify';
import type { Trx } from '../../db/database.js';
import { insertLedgerRow, findLedgerRowByReference, listLedgerRows, lockOrderById, resolveLedgerRow } from '../ledger/ledger.repository.js';
import type { LedgerRow } from '../ledger/ledger.table.js';
import { unrefundedByCharge } from '../refunds/refund-ledger.js';
import { syncOrderPayment } from '../charge/sync-order-payment.js';
import { formatMoney } from '../../shared/money.js';
import type { GatewayEvent } from './gateway.js';

/**
 * applied — it changed the order; ignored — nothing of ours to change (unknown transaction, already
 * settled); refused — it names our charge but does not fit it (a chargeback in another currency or beyond
 * what the charge holds): nothing written to the ledger, the order's history says why.
 */
export type EventApplication = { status: 'applied' | 'ignored' | 'refused'; reason: string };

const TAKES_MONEY: ReadonlySet<LedgerRow['kind']> = new Set(['sale', 'capture', 'offline_payment']);

const ACTOR = 'system:gateway Payment gateway';

/**
 * Applies a verified, first-seen notification to the order behind its transaction, in the transaction that
 * recorded it. Notifications may come out of order: a chargeback proves the money had settled, so it
 * settles a still-pending charge itself, and the late `cleared` then finds nothing to do. Anything that
 * does not fit (an unknown transaction, a clearing of a charge that already bounced) changes nothing and
 * is kept as `ignored` with the reason; a chargeback that does not fit its charge is kept as `refused`.
 * Either way the notification route still answers 200, so the gateway stops redelivering it.
 */
export async function applyGatewayEvent(trx: Trx, gateway: string, event: GatewayEvent, now: number): Promise<EventApplication> {
  const charge = await findLedgerRowByReference(trx, gateway, event.reference);
  if (!charge) return { status: 'ignored', reason: `no payment of ours has the ${gateway} reference ${event.reference}` };
  const order = await lockOrderById(trx, Number(charge.order_id));
  if (!order) return { status: 'ignored', reason: `the order of ${event.reference} no longer exists` };
  const amount = formatMoney(event.amount, event.currency);

  if (event.type === 'cleared' || event.type === 'failed') {
    if (charge.status !== 'pending') return { status: 'ignored', reason: `the payment is already ${charge.status}` };
    const cleared = event.type === 'cleared';
    await resolveLedgerRow(trx, charge.id, ['pending'], cleared
      ? { status: 'approved', resolved_at: event.occurredAt }
      : { status: 'failed', resolved_at: event.occurredAt, decline_code: 'returned', message: event.reason ?? 'the payment did not clear' });
    const note = cleared ? `payment of ${amount} cleared (${event.reference})` : `payment of ${amount} failed to clear: ${event.reason ?? 'no reason given'} (${event.reference})`;
    await syncOrderPayment(trx, order, ACTOR, note, now);
    return { status: 'applied', reason: note };
  }

  // A chargeback: the card network takes the money back; refunds are blocked while it is open. One that does
  // not fit the charge it names (another currency, more than the charge still holds) is not written as it
  // stands — a wrong row would distort what is refundable and owed — but refunds are blocked all the same
  // (a real dispute may be behind it) and the order's history says why, for a person to check with the gateway.
  const rows = await listLedgerRows(trx, order.id);
  const check = checkChargeback(rows, charge, event);
  if (!check.ok) {
    const note = `chargeback notification of ${amount} on ${event.reference} refused: ${check.reason}; refunds blocked until it is checked with the gateway`;
    await syncOrderPayment(trx, order, ACTOR, note, now, { patch: { refund_blocked: 1 } });
    return { status: 'refused', reason: note };
  }
  if (charge.status === 'pending') await resolveLedgerRow(trx, charge.id, ['pending'], { status: 'approved', resolved_at: event.occurredAt });
  await insertLedgerRow(trx, {
    order_id: order.id, kind: 'chargeback', amount: event.amount, currency: event.currency, gateway, status: 'approved',
    idempotency_key: `event:${gateway}:${event.eventId}`, parent_id: check.chargeId, gateway_reference: event.reference,
    actor: ACTOR, reason: event.reason ?? null, created_at: now, resolved_at: event.occurredAt,
  });
  const note = `chargeback of ${amount}: ${event.reason ?? 'no reason given'} (${event.reference}); refunds blocked`;
  const sync = await syncOrderPayment(trx, order, ACTOR, note, now, { patch: { refund_blocked: 1 } });
  return { status: 'applied', reason: `${note}; payment ${sync.state.status}` };
}

/**
 * The charge a chargeback takes money from, and whether it can: the same currency, and no more than the
 * charge still holds (captured − refunded − earlier chargebacks), as the gateway itself reckons it. A named
 * authorization means its capture; a pending charge counts as settled, since a chargeback proves it was.
 */
function checkChargeback(rows: readonly LedgerRow[], named: LedgerRow, event: GatewayEvent): { ok: true; chargeId: number } | { ok: false; reason: string } {
  const settled = rows.map((r) => (r.id === named.id && r.status === 'pending' ? { ...r, status: 'approved' as const } : r));
  const target = named.kind === 'authorize'
    ? settled.find((r) => r.kind === 'capture' && Number(r.parent_id) === Number(named.id) && r.status === 'approved')
    : settled.find((r) => r.id === named.id && r.status === 'approved' && TAKES_MONEY.has(r.kind));
  if (!target) return { ok: false, reason: `the ${named.kind} it names took no money (it is ${named.status})` };
  if (event.currency !== target.currency) return { ok: false, reason: `the charge is in ${target.currency}, the chargeback in ${event.currency}` };
  const held = unrefundedByCharge(settled, { settledOnly: true }).get(Number(target.id)) ?? 0;
  if (event.amount < 1 || event.amount > held) {
    return { ok: false, reason: `the charge holds only ${formatMoney(Math.max(0, held), target.currency)} (taken less refunded and charged back)` };
  }
  return { ok: true, chargeId: Number(target.id) };
}

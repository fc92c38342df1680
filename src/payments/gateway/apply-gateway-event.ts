import type { FastifyBaseLogger } from 'fastify';
import type { Trx } from '../../db/database.js';
import { insertLedgerRow, findLedgerRowByReference, lockOrderById, resolveLedgerRow } from '../ledger/ledger.repository.js';
import { syncOrderPayment } from '../charge/sync-order-payment.js';
import { formatMoney } from '../../shared/money.js';
import type { GatewayEvent } from './gateway.js';

export type EventApplication = { status: 'applied' | 'ignored'; reason: string };

const ACTOR = 'system:gateway Payment gateway';

/**
 * Applies a verified, first-seen notification to the order behind its transaction, in the transaction that
 * recorded it. Notifications may come out of order: a chargeback proves the money had settled, so it
 * settles a still-pending charge itself, and the late `cleared` then finds nothing to do. Anything that
 * does not fit (an unknown transaction, a clearing of a charge that already bounced) changes nothing and
 * is kept as `ignored` with the reason.
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

  // A chargeback: the card network takes the money back; refunds are blocked while it is open.
  if (charge.status === 'pending') await resolveLedgerRow(trx, charge.id, ['pending'], { status: 'approved', resolved_at: event.occurredAt });
  await insertLedgerRow(trx, {
    order_id: order.id, kind: 'chargeback', amount: event.amount, currency: event.currency, gateway, status: 'approved',
    idempotency_key: `event:${gateway}:${event.eventId}`, parent_id: charge.id, gateway_reference: event.reference,
    actor: ACTOR, reason: event.reason ?? null, created_at: now, resolved_at: event.occurredAt,
  });
  const note = `chargeback of ${amount}: ${event.reason ?? 'no reason given'} (${event.reference}); refunds blocked`;
  const sync = await syncOrderPayment(trx, order, ACTOR, note, now, { patch: { refund_blocked: 1 } });
  return { status: 'applied', reason: `${note}; payment ${sync.state.status}` };
}

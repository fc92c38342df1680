import type { OrderRow } from '../../orders/orders.table.js';
import { toIso, toIsoOrNull } from '../../shared/time.js';
import type { LedgerEntryOut, OrderPaymentsDto } from '../payments.schemas.js';
import type { Static } from 'typebox';
import type { LedgerRow } from './ledger.table.js';
import { refundsInFlightTotal } from '../refunds/refund-ledger.js';

export function toLedgerEntryDto(r: LedgerRow): Static<typeof LedgerEntryOut> {
  return {
    id: Number(r.id), kind: r.kind, status: r.status, amount: Number(r.amount), currency: r.currency, gateway: r.gateway,
    gatewayReference: r.gateway_reference, parentId: r.parent_id === null ? null : Number(r.parent_id), declineCode: r.decline_code,
    message: r.message, avs: r.avs, cvv: r.cvv, actor: r.actor, reason: r.reason,
    details: r.details_json ? (JSON.parse(r.details_json) as Record<string, unknown>) : null, attempts: r.attempts,
    createdAt: toIso(Number(r.created_at)), resolvedAt: toIsoOrNull(r.resolved_at === null ? null : Number(r.resolved_at)),
  };
}

/**
 * What the order still owes: its total less the money taken. Refunds and chargebacks do not lower what was
 * paid, so money returned never makes an order owe again; never negative (an order whose total was lowered
 * after payment owes nothing, it is not owed money back by this figure). Capture, retries, the A/R schedule,
 * mark paid and the payment step all collect exactly this.
 */
export const dueOf = (o: Pick<OrderRow, 'total' | 'paid_total'>): number => Math.max(0, Number(o.total) - Number(o.paid_total));

/**
 * What may still be refunded: money taken less money returned (refunds and chargebacks), nothing while a
 * chargeback is open. Given the ledger, refunds still waiting for the gateway are taken off too: the refund
 * endpoint will not let that money go out again, so the view must not offer it.
 */
export const refundableOf = (o: Pick<OrderRow, 'paid_total' | 'refunded_total' | 'refund_blocked'>, rows: readonly LedgerRow[] = []): number =>
  o.refund_blocked === 1 ? 0 : Math.max(0, Number(o.paid_total) - Number(o.refunded_total) - refundsInFlightTotal(rows));

export function toOrderPaymentsDto(order: OrderRow, rows: LedgerRow[]): OrderPaymentsDto {
  return {
    orderId: order.order_number, currency: order.currency, total: Number(order.total), status: order.payment_status,
    paid: Number(order.paid_total), authorized: Number(order.authorized_total), refunded: Number(order.refunded_total),
    refundable: refundableOf(order, rows), refundBlocked: order.refund_blocked === 1, entries: rows.map(toLedgerEntryDto),
  };
}

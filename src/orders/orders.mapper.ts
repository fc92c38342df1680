import { toIso, toIsoOrNull } from '../shared/time.js';
import { type Holder, mayMoveOrdersOutOf } from '../auth/stage-access.js';
import { allowedStageMoves, type StageContext } from '../stages/stage-machine.js';
import type { PaymentMethod, PaymentStatus, Stage } from '../stages/stages.js';
import type { Address } from './order-input.js';
import type { OrderDto, OrderListItemDto } from './orders.schemas.js';
import type { OrderHistoryRow, OrderItemRow, OrderNoteRow, OrderRow } from './orders.table.js';

/** One row↔DTO mapper per entity: the only place that knows both the column names and the API names. */
export interface StoredPayment {
  card: { token: string; brand: string; last4: string; expMonth: number; expYear: number } | null;
  reference: string | null;
}

export function stageContextOf(
  row: Pick<OrderRow, 'payment_status' | 'payment_method' | 'total' | 'paid_total' | 'has_shippable' | 'fraud_hold' | 'hold_from_stage'>,
): StageContext {
  return {
    paymentStatus: row.payment_status as PaymentStatus,
    paymentMethod: row.payment_method as PaymentMethod,
    total: Number(row.total),
    paid: Number(row.paid_total),
    hasShippable: row.has_shippable === 1,
    fraudHold: row.fraud_hold === 1,
    holdFromStage: (row.hold_from_stage as Stage | null) ?? null,
  };
}

export function toOrderDto(row: OrderRow, items: OrderItemRow[], notes: OrderNoteRow[], history: OrderHistoryRow[]): OrderDto {
  const payment = JSON.parse(row.payment_json) as StoredPayment;
  return {
    id: row.id,
    orderId: row.order_number,
    channel: row.channel,
    isTest: row.is_test === 1,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    currency: row.currency,
    summary: {
      subtotal: row.subtotal, discount: row.discount_total, shipping: row.shipping_total, tax: row.tax_total,
      total: row.total, refunded: row.refunded_total,
    },
    customer: { id: row.customer_id, email: row.customer_email, ip: row.customer_ip },
    billing: JSON.parse(row.billing_json) as Address,
    shipping: JSON.parse(row.shipping_json) as Address,
    items: items.map((i) => ({
      lineNo: i.line_no, sku: i.sku, description: i.description, quantity: i.quantity, unitPrice: i.unit_price,
      discount: i.discount, tax: i.tax, shippable: i.shippable === 1, preorder: i.preorder === 1, expectedDate: i.expected_date,
      quantityShipped: i.quantity_shipped, quantityRefunded: i.quantity_refunded,
    })),
    payment: {
      method: row.payment_method, status: row.payment_status, paidAt: toIsoOrNull(row.paid_at), paid: Number(row.paid_total),
      authorized: Number(row.authorized_total), refundBlocked: row.refund_blocked === 1, card: payment.card, reference: payment.reference,
    },
    shippedAt: toIsoOrNull(row.shipped_at),
    fraud: { score: row.fraud_score, reasons: row.fraud_reasons_json ? JSON.parse(row.fraud_reasons_json) : [], hold: row.fraud_hold === 1 },
    stage: row.stage,
    stageEnteredAt: toIso(row.stage_entered_at),
    holdFromStage: row.hold_from_stage,
    allowedMoves: allowedStageMoves(row.stage as Stage, stageContextOf(row)),
    tags: JSON.parse(row.tags_json) as string[],
    customFields: JSON.parse(row.custom_fields_json) as Record<string, string>,
    notes: notes.map((n) => ({ id: n.id, actor: n.actor, body: n.body, createdAt: toIso(n.created_at) })),
    history: history.map((h) => ({
      id: h.id, at: toIso(h.at), actor: h.actor, kind: h.kind, from: h.from_stage, to: h.to_stage, reason: h.reason,
      changes: h.changes_json ? (JSON.parse(h.changes_json) as string[]) : null,
    })),
    version: row.version,
  };
}

/**
 * What a list row reads: columns of the order row only, so a page never joins or sub-selects per row.
 * (An item count would need one, so lists do not show it.)
 */
export type OrderListRow = Pick<
  OrderRow,
  'id' | 'order_number' | 'created_at' | 'stage' | 'stage_entered_at' | 'channel' | 'currency' | 'total' | 'paid_total' | 'customer_email'
  | 'customer_name' | 'payment_method' | 'payment_status' | 'tags_json' | 'is_test'
  | 'has_shippable' | 'fraud_hold' | 'hold_from_stage' | 'fraud_score' | 'paid_at' | 'shipped_at' | 'shipping_json'
>;
export const ORDER_LIST_COLUMNS = [
  'id', 'order_number', 'created_at', 'stage', 'stage_entered_at', 'channel', 'currency', 'total', 'paid_total', 'customer_email',
  'customer_name', 'payment_method', 'payment_status', 'tags_json', 'is_test',
  'has_shippable', 'fraud_hold', 'hold_from_stage', 'fraud_score', 'paid_at', 'shipped_at', 'shipping_json',
] as const;

export function toOrderListItem(row: OrderListRow): OrderListItemDto {
  return {
    id: row.id, orderId: row.order_number, createdAt: toIso(row.created_at), stage: row.stage, stageEnteredAt: toIso(row.stage_entered_at),
    channel: row.channel, currency: row.currency, total: row.total, paidTotal: Number(row.paid_total), customerEmail: row.customer_email, customerName: row.customer_name,
    paymentMethod: row.payment_method, paymentStatus: row.payment_status, tags: JSON.parse(row.tags_json) as string[], isTest: row.is_test === 1,
    // The same rule as the order detail, so a queue never offers a move the detail page would not.
    allowedMoves: allowedStageMoves(row.stage as Stage, stageContextOf(row)),
    holdFromStage: row.hold_from_stage,
    fraudScore: row.fraud_score,
    paidAt: toIsoOrNull(row.paid_at),
    shippedAt: toIsoOrNull(row.shipped_at),
    shippingCountry: (JSON.parse(row.shipping_json) as Partial<Address>).country ?? null,
  };
}

/**
 * An order (detail or list item) as `caller` sees it: the stage machine's moves only when the caller may
 * move orders out of its stage (auth/stage-access.ts, the rule the move endpoint enforces), none otherwise.
 * Permission is per source stage, so it keeps every move or none.
 */
export function forCaller<T extends { stage: string; allowedMoves: string[] }>(caller: Holder, order: T): T {
  return order.allowedMoves.length && !mayMoveOrdersOutOf(caller, order.stage as Stage) ? { ...order, allowedMoves: [] } : order;
}

/** toOrderListItem for one caller's list: `page.map(toOrderListItemFor(principal))`. */
export const toOrderListItemFor = (caller: Holder) => (row: OrderListRow): OrderListItemDto => forCaller(caller, toOrderListItem(row));

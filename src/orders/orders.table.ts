import type { Generated, Insertable, Selectable } from 'kysely';

/** Row shapes of the order tables, exactly as stored (snake_case, epoch ms, minor units, 0/1 flags). */
export interface OrdersTable {
  id: Generated<number>;
  order_number: string;
  channel: string;
  is_test: number;
  created_at: number;
  updated_at: number;
  currency: string;
  subtotal: number;
  discount_total: number;
  shipping_total: number;
  tax_total: number;
  total: number;
  refunded_total: number;
  /** Derived from the payment ledger: captured or settled money, before refunds. */
  paid_total: number;
  /** Derived from the payment ledger: held by open authorizations, not yet captured. */
  authorized_total: number;
  /** 1 while a chargeback is open: refunds are refused. */
  refund_blocked: number;
  customer_id: number | null;
  customer_email: string;
  customer_name: string;
  customer_ip: string | null;
  billing_json: string;
  shipping_json: string;
  payment_method: string;
  payment_status: string;
  payment_json: string;
  paid_at: number | null;
  shipped_at: number | null;
  fraud_score: number | null;
  fraud_reasons_json: string | null;
  fraud_hold: number;
  has_shippable: number;
  has_preorder: number;
  stage: string;
  stage_entered_at: number;
  hold_from_stage: string | null;
  tags_json: string;
  custom_fields_json: string;
  version: number;
}

export interface OrderItemsTable {
  id: Generated<number>;
  order_id: number;
  line_no: number;
  sku: string;
  description: string;
  quantity: number;
  unit_price: number;
  discount: number;
  tax: number;
  shippable: number;
  preorder: number;
  expected_date: string | null;
  quantity_shipped: number;
  quantity_refunded: number;
}

export interface OrderNotesTable {
  id: Generated<number>;
  order_id: number;
  actor: string;
  body: string;
  created_at: number;
}

export interface OrderHistoryTable {
  id: Generated<number>;
  order_id: number;
  at: number;
  actor: string;
  kind: string;
  from_stage: string | null;
  to_stage: string | null;
  reason: string | null;
  changes_json: string | null;
}

export interface OrderSearchTermsTable {
  term: string;
  kind: string;
  created_at: number;
  order_id: number;
}

export interface StageCountsTable {
  stage: string;
  slot: number;
  count: number;
}

export type OrderRow = Selectable<OrdersTable>;
export type NewOrderRow = Insertable<OrdersTable>;
export type OrderItemRow = Selectable<OrderItemsTable>;
export type NewOrderItemRow = Insertable<OrderItemsTable>;
export type OrderNoteRow = Selectable<OrderNotesTable>;
export type OrderHistoryRow = Selectable<OrderHistoryTable>;

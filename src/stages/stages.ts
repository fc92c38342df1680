/** The ten stages an order moves through; each is a department queue in the back office. */
export const STAGES = [
  'quote_request',
  'quote_sent',
  'pre_ordered',
  'accounts_receivable',
  'pending_clearance',
  'fraud_review',
  'hold',
  'shipping_department',
  'completed_order',
  'rejected',
] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  quote_request: 'Quote Request',
  quote_sent: 'Quote Sent',
  pre_ordered: 'Pre-ordered',
  accounts_receivable: 'Accounts Receivable',
  pending_clearance: 'Pending Clearance',
  fraud_review: 'Fraud Review',
  hold: 'Hold',
  shipping_department: 'Shipping Department',
  completed_order: 'Completed Order',
  rejected: 'Rejected',
};

export const isStage = (value: string): value is Stage => (STAGES as readonly string[]).includes(value);

export const PAYMENT_METHODS = [
  'credit_card', 'e_check', 'paypal', 'amazon_pay', 'purchase_order', 'check', 'cod', 'wire', 'cash', 'quote_request',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PAYMENT_STATUSES = [
  'unprocessed', 'authorized', 'processed', 'declined', 'voided', 'refunded', 'partially_refunded', 'skipped',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Money has been secured (or deliberately not needed), so the order may be fulfilled. */
export const isPaymentSettled = (status: PaymentStatus): boolean =>
  status === 'processed' || status === 'authorized' || status === 'skipped' || status === 'partially_refunded';

/** Methods whose money arrives later through a provider notification rather than at checkout. */
export const ASYNCHRONOUS_METHODS: ReadonlySet<PaymentMethod> = new Set(['e_check', 'paypal', 'amazon_pay']);
/** Methods where the merchant waits for money outside any gateway. */
export const OFFLINE_METHODS: ReadonlySet<PaymentMethod> = new Set(['purchase_order', 'check', 'cod', 'wire', 'cash']);

/**
 * What a customer accepting a quote may name as the payment method: those Accounts Receivable, where an
 * accepted quote is paid, can collect by itself — a card (charged on retry or through a payment request)
 * or money that arrives offline (marked paid). An asynchronous method needs a payment submitted to its
 * provider, which an acceptance is not.
 */
export const QUOTE_ACCEPTANCE_METHODS = ['credit_card', 'purchase_order', 'check', 'cod', 'wire', 'cash'] as const satisfies readonly PaymentMethod[];

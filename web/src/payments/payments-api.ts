/** Shapes and calls of the payment APIs the back office uses (see /api/v1/openapi.json, tag Payments). */
import { api, ApiError } from '../app/api';

export interface LedgerEntry {
  id: number;
  kind: 'authorize' | 'capture' | 'sale' | 'void' | 'refund' | 'chargeback' | 'offline_payment' | 'external_refund';
  status: 'started' | 'approved' | 'declined' | 'pending' | 'failed' | 'unknown';
  amount: number;
  currency: string;
  gateway: string;
  gatewayReference: string | null;
  parentId: number | null;
  declineCode: string | null;
  message: string | null;
  avs: string | null;
  cvv: string | null;
  actor: string;
  reason: string | null;
  details: Record<string, unknown> | null;
  attempts: number;
  createdAt: string;
  resolvedAt: string | null;
}

export interface OrderPayments {
  orderId: string;
  currency: string;
  total: number;
  status: string;
  paid: number;
  authorized: number;
  refunded: number;
  refundable: number;
  refundBlocked: boolean;
  entries: LedgerEntry[];
}

export interface RefundRequest {
  items?: { lineNo: number; quantity: number }[];
  shipping?: number;
  tax?: number;
  amount?: number;
}

export interface RefundBreakdown {
  lines: { lineNo: number; quantity: number; amount: number }[];
  shipping: number;
  shippingTax: number;
  tax: number;
  computed: number;
  total: number;
  refundable: number;
}

export interface RefundResult {
  payments: OrderPayments;
  refund: RefundBreakdown & { id: string; entries: LedgerEntry[]; rejected: boolean; replayed: boolean };
}

export interface RetryResult {
  orderId: string;
  result: 'approved' | 'declined' | 'pending' | 'unknown' | 'refused';
  code?: string;
  message?: string;
  stage?: string;
  paymentStatus?: string;
}

export interface PaymentRequestResult {
  orderId: string;
  url: string;
  expiresAt: string;
  amountDue: number;
  currency: string;
  emailTo: string;
  revokedLinks: number;
}

export interface ArStatsDay {
  day: string;
  attempted: number;
  approved: number;
  recovered: { currency: string; amount: number }[];
  rejectedBySchedule: number;
}

const order = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;

/** randomUUID needs a secure context; a back office reached over plain http on a LAN still gets a key. */
export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export const paymentsPath = (orderId: string) => `${order(orderId)}/payments`;

export const capturePayment = (orderId: string, key: string, amount?: number) =>
  api<OrderPayments>(`${order(orderId)}/payments/capture`, {
    method: 'POST', body: amount === undefined ? {} : { amount }, headers: { 'idempotency-key': key },
  });

/** The first open authorization (approved, neither captured nor voided): the one a capture takes. */
export function openAuthorization(entries: readonly LedgerEntry[]): LedgerEntry | undefined {
  const closed = new Set(entries.filter((e) => (e.kind === 'capture' || e.kind === 'void') && e.status === 'approved').map((e) => e.parentId));
  return [...entries].sort((a, b) => a.id - b.id).find((e) => e.kind === 'authorize' && e.status === 'approved' && !closed.has(e.id));
}

export const previewRefund = (orderId: string, what: RefundRequest, signal?: AbortSignal) =>
  api<RefundBreakdown>(`${order(orderId)}/refunds/preview`, { method: 'POST', body: what, signal });

/** The Idempotency-Key is made once per dialog, so a double click or a retried request refunds once. */
export const refundOrder = (orderId: string, body: RefundRequest & {
  reason: string; method: 'gateway' | 'external'; externalReference?: string; rejectAfter?: boolean; version: number;
}, key: string) => api<RefundResult>(`${order(orderId)}/refunds`, { method: 'POST', body, headers: { 'idempotency-key': key } });

/** What the gateway says happened to a charge whose answer Orderdeck never got. */
export interface HandResolution {
  outcome: 'approved' | 'failed';
  /** Required for `approved` when the entry has no gateway reference. */
  gatewayReference?: string;
  /** How it was confirmed; goes into the order's history. */
  note: string;
}

/** A second try after success is refused (409: the entry is no longer open), so no idempotency key is needed. */
export const resolveCharge = (orderId: string, ledgerId: number, body: HandResolution) =>
  api<OrderPayments>(`${order(orderId)}/payments/${ledgerId}/resolve`, { method: 'POST', body });

/**
 * A sale or authorization whose answer was lost, so a person who checked with the gateway records its
 * outcome. A pending one is not: only the gateway's notification takes it out of Pending Clearance.
 */
/** A charge whose answer was lost and cannot be asked for again: an e-check's (its account is not kept). Cards are asked again by recovery. */
export const isResolvableByHand = (e: LedgerEntry, paymentMethod: string): boolean =>
  (e.kind === 'sale' || e.kind === 'authorize') && e.status === 'unknown' && paymentMethod === 'e_check';

/** The reference of a charge recorded by hand as accepted, typed in by a person (the server's handReferenceOf). */
export const handReferenceOf = (e: LedgerEntry): { actor: string; at: string } | undefined =>
  (e.details?.referenceByHand as { actor: string; at: string } | undefined) ?? undefined;

/**
 * A reference typed in by hand on a charge still awaiting clearance, on an order in Pending Clearance: a wrong
 * one matches no notification and strands the order, so it may be corrected (by the Pending Clearance desk).
 */
export const isReferenceCorrectable = (e: LedgerEntry, stage: string): boolean =>
  (e.kind === 'sale' || e.kind === 'authorize') && e.status === 'pending' && stage === 'pending_clearance' && !!e.gatewayReference && !!handReferenceOf(e);

/** Replaces a hand-typed reference; notifications already received for the new one are applied by the server. */
export const correctReference = (orderId: string, ledgerId: number, body: { gatewayReference: string; reason: string; version: number }, key: string) =>
  api<OrderPayments>(`${order(orderId)}/payments/${ledgerId}/reference`, { method: 'POST', body, headers: { 'idempotency-key': key } });

export const retryCharge = (orderId: string, key: string) =>
  api<RetryResult>(`${order(orderId)}/payments/retry`, { method: 'POST', body: {}, headers: { 'idempotency-key': key } });

/** The selection retry, keyed: sent again after a lost answer, it gets that answer instead of charging again. */
export const retrySelection = (orderIds: readonly string[], key: string) =>
  api<{ results: RetryResult[]; counts: Record<string, number> }>('/payments/retry', { method: 'POST', body: { orderIds }, headers: { 'idempotency-key': key } });

export const markPaid = (orderId: string, body: { reference: string; amount?: number; note?: string }) =>
  api<OrderPayments>(`${order(orderId)}/payments/mark-paid`, { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey() } });

export const requestPayment = (orderId: string, body: { expiresInHours?: number; message?: string }) =>
  api<PaymentRequestResult>(`${order(orderId)}/payment-requests`, { method: 'POST', body });

/** A settings write refused because someone saved a newer version first. */
export const isVersionConflict = (e: unknown): boolean =>
  e instanceof ApiError && (e.code === 'version_conflict' || e.code === 'precondition_failed');

/** Methods paid outside the gateway, which A/R marks paid by hand (the server's OFFLINE_METHODS). */
export const OFFLINE_METHODS = new Set(['check', 'purchase_order', 'wire', 'cod', 'cash']);

/** Places or lifts the refund block; the order's version makes a decision on a stale page fail instead of land. */
export const setRefundBlock = (orderId: string, body: { blocked: boolean; reason: string; version: number }) =>
  api<OrderPayments>(`${order(orderId)}/refund-block`, { method: 'PUT', body });

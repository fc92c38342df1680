import { departmentOfStage, STAGE_LABEL, type Stage } from '../app/departments';
import { formatMoney } from '../app/format';

export const STAGES = Object.keys(STAGE_LABEL) as Stage[];

export const PAYMENT_METHOD_LABEL: Record<string, string> = {
  credit_card: 'Credit card', e_check: 'E-check', paypal: 'PayPal', amazon_pay: 'Amazon Pay', purchase_order: 'Purchase order',
  check: 'Check', cod: 'COD', wire: 'Wire transfer', cash: 'Cash', quote_request: 'Quote request',
};

export const PAYMENT_STATUS_LABEL: Record<string, string> = {
  unprocessed: 'Unprocessed', authorized: 'Authorized', processed: 'Processed', declined: 'Declined', voided: 'Voided',
  refunded: 'Refunded', partially_refunded: 'Partially refunded', skipped: 'Skipped',
};

export const stageLabel = (stage: string | null | undefined): string =>
  stage ? (STAGE_LABEL as Record<string, string>)[stage] ?? stage : '—';
export const paymentMethodLabel = (m: string): string => PAYMENT_METHOD_LABEL[m] ?? m;
export const paymentStatusLabel = (s: string): string => PAYMENT_STATUS_LABEL[s] ?? s;

/** What a payment status is shown with: the figures of the order's payment. */
export interface PaymentFigures { status: string; paid: number; total: number; currency: string }

/**
 * Part of the total taken (a first check of two, a partial mark paid) while the status still says
 * unprocessed or declined: the spec's status list has no "partly paid", so the display says it.
 */
export const isPartlyPaid = (p: PaymentFigures): boolean =>
  p.paid > 0 && p.paid < p.total && (p.status === 'unprocessed' || p.status === 'declined');

/** The status in words, with what is paid so far on a partly paid order: "Unprocessed · ¥20,000 of ¥50,000 paid". */
export function paymentStatusText(p: PaymentFigures): string {
  const label = paymentStatusLabel(p.status);
  return isPartlyPaid(p) ? `${label} · ${formatMoney(p.paid, p.currency)} of ${formatMoney(p.total, p.currency)} paid` : label;
}

/** The badge tone of a status, partly paid included (money came in, some is still owed). */
export const paymentFiguresTone = (p: PaymentFigures): string => (isPartlyPaid(p) ? 'warning' : paymentTone(p.status));

/** The figures of an order's detail, for paymentStatusText. */
export const orderPaymentFigures = (o: { payment: { status: string; paid: number }; summary: { total: number }; currency: string }): PaymentFigures =>
  ({ status: o.payment.status, paid: o.payment.paid, total: o.summary.total, currency: o.currency });

/** The permission that lets a person move orders out of a stage: the stage's department `:act`. */
export function actPermissionOf(stage: Stage): string | null {
  const department = departmentOfStage(stage);
  return department ? department.permission.replace(/:view$/, ':act') : null;
}

/** Verb for a move, in the merchant's words: a held order is released, a rejected one reopened. */
export function moveLabel(from: Stage | null, to: Stage): string {
  if (to === 'rejected') return 'Reject';
  if (to === 'hold') return 'Put on hold';
  if (from === 'hold') return `Release to ${stageLabel(to)}`;
  if (from === 'rejected') return `Reopen in ${stageLabel(to)}`;
  return `Move to ${stageLabel(to)}`;
}

/** History actors are recorded as `<kind>:<id> <name>`; people want the name. */
export function actorName(actor: string): { name: string; kind: string } {
  const m = /^(user|api_key|system):(\S+)\s+(.*)$/.exec(actor);
  if (!m) return { name: actor, kind: 'user' };
  return { name: m[3] || m[2]!, kind: m[1]! };
}

export function paymentTone(status: string): string {
  switch (status) {
    case 'processed': case 'authorized': return 'success';
    case 'declined': case 'voided': return 'danger';
    case 'refunded': case 'partially_refunded': return 'warning';
    default: return 'neutral';
  }
}

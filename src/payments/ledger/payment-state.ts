import type { PaymentStatus } from '../../stages/stages.js';
import type { LedgerKind, LedgerStatus } from './ledger.table.js';

export type LedgerEntry = {
  id: number; kind: LedgerKind; status: LedgerStatus; amount: number; parent_id: number | null; resolved_at: number | null;
  details_json?: string | null;
};

export interface PaymentState {
  status: PaymentStatus;
  /** Money taken: approved sales, captures and offline payments. Refunds do not lower it. */
  paidTotal: number;
  /** Money held by authorizations not yet captured or voided. */
  authorizedTotal: number;
  /**
   * Money returned: refunds through the gateway, refunds recorded as made elsewhere, and chargebacks (the
   * card network took it back). A chargeback counts because the customer has the money either way: what may
   * still be refunded is reckoned from paid less this.
   */
  refundedTotal: number;
  /** The part of `refundedTotal` taken back by chargebacks. */
  chargedBackTotal: number;
  /** When money was first taken. */
  paidAt: number | null;
  /** A sale or authorization whose outcome is not known yet (in flight, timed out, or an e-check not yet cleared). */
  inFlight: boolean;
  /** Accepted by the provider and settling later (an e-check): the order waits for the provider's notification. */
  awaitingClearance: boolean;
}

const TAKES_MONEY: ReadonlySet<LedgerKind> = new Set(['sale', 'capture', 'offline_payment']);
const RETURNS_MONEY: ReadonlySet<LedgerKind> = new Set(['refund', 'external_refund', 'chargeback']);

/**
 * The order's payment figures, derived from its ledger rows alone (in id order). This is the only place
 * that decides them; they are stored on the order in the same transaction as the ledger change, so lists
 * filter on them without reading the ledger.
 */
export function derivePaymentState(entries: readonly LedgerEntry[], orderTotal?: number): PaymentState {
  let paid = 0;
  let refunded = 0;
  let chargedBack = 0;
  let paidAt: number | null = null;
  let inFlight = false;
  let awaitingClearance = false;
  let lastAttempt: LedgerStatus | undefined;
  let voided = false;
  /** What the merchant agreed to forgo outside the order's total (an older A/R retry coupon): counts toward "paid in full". */
  let conceded = 0;
  const openAuthorizations = new Map<number, number>();

  for (const e of entries) {
    const open = e.status === 'started' || e.status === 'unknown' || e.status === 'pending';
    if (e.kind === 'sale' || e.kind === 'authorize') {
      if (open) inFlight = true;
      if (e.status === 'pending') awaitingClearance = true;
      else lastAttempt = e.status;
    }
    if (e.status !== 'approved') continue;
    if (TAKES_MONEY.has(e.kind)) {
      paid += e.amount;
      paidAt ??= e.resolved_at;
      // Only coupons of sales written before coupons lowered the order's total: newer ones are in the total already.
      if (e.details_json?.includes('"coupon"')) {
        const coupon = (JSON.parse(e.details_json) as { coupon?: { amountOff?: number; onOrder?: boolean } }).coupon;
        if (!coupon?.onOrder) conceded += coupon?.amountOff ?? 0;
      }
    }
    if (RETURNS_MONEY.has(e.kind)) refunded += e.amount;
    if (e.kind === 'chargeback') chargedBack += e.amount;
    if (e.kind === 'authorize') openAuthorizations.set(e.id, e.amount);
    if (e.kind === 'capture' && e.parent_id !== null && openAuthorizations.has(e.parent_id)) {
      // A capture settles its authorization; whatever it did not take is released, as card networks do.
      openAuthorizations.delete(e.parent_id);
    }
    if (e.kind === 'void' && e.parent_id !== null && openAuthorizations.delete(e.parent_id)) voided = true;
  }
  const authorized = [...openAuthorizations.values()].reduce((a, b) => a + b, 0);
  return {
    status: statusOf(), paidTotal: paid, authorizedTotal: authorized, refundedTotal: refunded, chargedBackTotal: chargedBack, paidAt, inFlight, awaitingClearance,
  };

  function statusOf(): PaymentStatus {
    // Part of the money (a first check of two): still owed, so not processed — the order stays to be collected.
    if (paid > 0 && refunded === 0 && orderTotal !== undefined && paid + conceded < orderTotal && authorized === 0) return 'unprocessed';
    if (paid > 0) {
      if (refunded >= paid) return 'refunded';
      if (refunded === 0) return 'processed';
      // Money went back, then the order was collected again in full (an un-rejected order charged anew): what
      // the customer has paid now covers the total, so it is processed, not "partially refunded".
      return orderTotal !== undefined && paid - refunded + conceded >= orderTotal ? 'processed' : 'partially_refunded';
    }
    if (authorized > 0) return 'authorized';
    if (voided) return 'voided';
    if (!inFlight && (lastAttempt === 'declined' || lastAttempt === 'failed')) return 'declined';
    return 'unprocessed';
  }
}

/**
 * Authorizations still holding money: approved, and no capture or void of them approved or under way (one
 * in flight counts, so a second capture or void of the same authorization is never started beside it).
 */
export function openAuthorizations<R extends Pick<LedgerEntry, 'id' | 'kind' | 'status' | 'parent_id'>>(rows: readonly R[]): R[] {
  const settled = new Set(rows.filter((r) => (r.kind === 'capture' || r.kind === 'void') && r.status !== 'declined' && r.status !== 'failed')
    .map((r) => Number(r.parent_id)));
  return rows.filter((r) => r.kind === 'authorize' && r.status === 'approved' && !settled.has(Number(r.id)));
}

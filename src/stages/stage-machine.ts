import { allowedTargets, checkTransition, type TransitionCheck, type TransitionTable } from '../shared/state-machine.js';
import { isPaymentSettled, type PaymentMethod, type PaymentStatus, type Stage } from './stages.js';

/** What the guards need to know about an order to allow a move. */
export interface StageContext {
  paymentStatus: PaymentStatus;
  paymentMethod: PaymentMethod;
  /** The order's total in minor units: a quote is sent only once it has a price. */
  total: number;
  /** Money taken (approved sales, captures, offline payments; refunds do not lower it): Completed needs `total − paid` to be 0. */
  paid: number;
  hasShippable: boolean;
  /** Fraud scoring or the storefront asked for a review, and Fraud Review has not decided yet (approve and reject clear it). */
  fraudHold: boolean;
  /** The stage a held order returns to on release. */
  holdFromStage: Stage | null;
}

/**
 * Stages an order can be in before the fraud review its hold asks for: routing puts a quote or a pre-order
 * there first, and an un-rejected order comes back through them. A held order leaves them for the payment
 * step or fulfilment only by way of Fraud Review, whose approval lifts the hold.
 */
const BEFORE_FRAUD_REVIEW: ReadonlySet<Stage> = new Set(['quote_request', 'quote_sent', 'pre_ordered', 'rejected']);

/**
 * A held order leaves Fraud Review for the payment step or fulfilment only by the review's approval
 * (POST /orders/:id/fraud-review/approve, fraud-review/review-order.ts): it lifts the hold, says so in the
 * history and takes the payment step (charging a card on file). A plain move there would either leave the
 * hold standing on a paid or shipped order, or be a second approval path that must stay in step with the
 * first, so it is refused, naming the approval. Hold and reject stay open to the department.
 */
const APPROVE_TO_RELEASE = 'the order is held for fraud review: approve it (POST /api/v1/orders/{orderId}/fraud-review/approve), which lifts the hold and takes the payment step';

const fraudReviewFirst = (ctx: StageContext, from: Stage) => {
  if (!ctx.fraudHold) return undefined;
  if (from === 'fraud_review') return APPROVE_TO_RELEASE;
  return BEFORE_FRAUD_REVIEW.has(from) ? 'the order is held for fraud review: it goes to Fraud Review before any payment or fulfilment' : undefined;
};

const needsSettledPayment = (ctx: StageContext) =>
  isPaymentSettled(ctx.paymentStatus) ? undefined : `payment is ${ctx.paymentStatus}, not settled`;

/**
 * Completed is the end of the road for money too: nothing there captures or collects, and a held
 * authorization expires. So an order still owing money (total − paid > 0) is not completed, shipped or
 * not: an authorization is captured first, the rest collected in Accounts Receivable. A payment skipped on
 * purpose (a free replacement) owes nothing.
 */
const CAPTURE_FIRST = 'payment is only authorized, not taken: capture it first (POST /api/v1/orders/{orderId}/payments/capture), then complete the order';
const COLLECT_FIRST = 'the order still owes part of its total: capture what is authorized (POST /api/v1/orders/{orderId}/payments/capture) or collect the rest in Accounts Receivable first';
const needsNothingDue = (ctx: StageContext) => {
  if (ctx.paymentStatus === 'skipped' || ctx.total - ctx.paid <= 0) return undefined;
  return ctx.paymentStatus === 'authorized' ? CAPTURE_FIRST : COLLECT_FIRST;
};

// Completed means paid and shipped, or nothing to ship: an order with something to ship is completed by the
// Shipping Department handing it on (its shipment), not by a move that skips it from an earlier stage.
const shipsFirst = (ctx: StageContext, from: Stage) =>
  ctx.hasShippable && from !== 'shipping_department' ? 'items on the order ship: it goes to Shipping Department, which completes it' : undefined;

// A rejected order whose money went back (refund then reject, a fraud reject's refund) is a sale undone:
// un-rejected, it would be collected, approved or shipped against a refunded payment — what is due and what
// was returned could no longer be told apart. The customer's new wish is a new order.
const notRefunded = (ctx: StageContext, from: Stage) =>
  from === 'rejected' && (ctx.paymentStatus === 'refunded' || ctx.paymentStatus === 'partially_refunded')
    ? `its payment was ${ctx.paymentStatus.replace('_', ' ')}: a refunded order is not reopened; place a new order` : undefined;

/** Refusals that are about a field of the order rather than the stage asked for: the 409 names that field. */
const UNPRICED_QUOTE = 'the quote has no price yet (total 0): price its items before sending it';
const REFUSAL_FIELDS: ReadonlyMap<string, string> = new Map([[UNPRICED_QUOTE, '/items'], [CAPTURE_FIRST, '/payment'], [COLLECT_FIRST, '/payment']]);

/** From Hold only the release to where the order came from; then, and for any other source, `rest` decides. */
const releaseOr = (to: Stage, rest: (ctx: StageContext, from: Stage) => string | undefined = () => undefined) =>
  (ctx: StageContext, from: Stage) => (from === 'hold' && ctx.holdFromStage !== to ? releaseOnly(ctx) : rest(ctx, from));

/**
 * Moves a person (or an API client) may make. Pending Clearance has none: only the payment
 * provider's notification moves an order out of it. Hold releases only to where the order came from.
 */
export const ORDER_STAGE_TABLE: TransitionTable<Stage, StageContext> = {
  transitions: {
    quote_request: ['quote_sent', 'hold', 'rejected'],
    quote_sent: ['quote_request', 'accounts_receivable', 'fraud_review', 'hold', 'rejected'],
    pre_ordered: ['accounts_receivable', 'fraud_review', 'shipping_department', 'completed_order', 'hold', 'rejected'],
    accounts_receivable: ['fraud_review', 'shipping_department', 'completed_order', 'hold', 'rejected'],
    pending_clearance: [],
    fraud_review: ['accounts_receivable', 'shipping_department', 'completed_order', 'hold', 'rejected'],
    hold: [...([
      'quote_request', 'quote_sent', 'pre_ordered', 'accounts_receivable', 'fraud_review', 'shipping_department', 'completed_order',
    ] as const), 'rejected'],
    shipping_department: ['completed_order', 'hold', 'rejected'],
    completed_order: ['shipping_department', 'rejected'],
    rejected: ['quote_request', 'accounts_receivable', 'fraud_review', 'hold'],
  },
  guards: {
    shipping_department: releaseOr('shipping_department', (ctx, from) =>
      fraudReviewFirst(ctx, from) ?? needsSettledPayment(ctx) ?? (ctx.hasShippable ? undefined : 'nothing on the order ships')),
    // A release from Hold puts a completed order back as it was, even one completed before this rule.
    completed_order: releaseOr('completed_order', (ctx, from) =>
      fraudReviewFirst(ctx, from) ?? needsSettledPayment(ctx) ?? (from === 'hold' ? undefined : needsNothingDue(ctx) ?? shipsFirst(ctx, from))),
    accounts_receivable: releaseOr('accounts_receivable', (ctx, from) => fraudReviewFirst(ctx, from) ?? notRefunded(ctx, from)),
    // Un-rejecting into Quote Request is for quotes; another order goes back to where it is paid or reviewed.
    quote_request: releaseOr('quote_request', (ctx, from) => notRefunded(ctx, from)
      ?? (from === 'rejected' && ctx.paymentMethod !== 'quote_request' ? `the order was placed with ${ctx.paymentMethod}, not as a quote request` : undefined)),
    quote_sent: releaseOr('quote_sent', (ctx, from) => (from === 'quote_request' && ctx.total <= 0 ? UNPRICED_QUOTE : undefined)),
    pre_ordered: releaseOr('pre_ordered'),
    fraud_review: releaseOr('fraud_review', notRefunded),
  },
};

function releaseOnly(ctx: StageContext): string {
  return `a held order is released to the stage it came from (${ctx.holdFromStage ?? 'unknown'})`;
}

/** A refused move names the field at fault: `/stage` unless the order itself must change first. */
export type StageMoveCheck = { ok: true } | (Extract<TransitionCheck<Stage>, { ok: false }> & { field: string });

export const allowedStageMoves = (from: Stage, ctx: StageContext): Stage[] => allowedTargets(ORDER_STAGE_TABLE, from, ctx);
export function checkStageMove(from: Stage, to: Stage, ctx: StageContext): StageMoveCheck {
  const check = checkTransition(ORDER_STAGE_TABLE, from, to, ctx);
  return check.ok ? check : { ...check, field: REFUSAL_FIELDS.get(check.reason) ?? '/stage' };
}

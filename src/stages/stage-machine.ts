import { allowedTargets, checkTransition, type TransitionTable } from '../shared/state-machine.js';
import { isPaymentSettled, type PaymentStatus, type Stage } from './stages.js';

/** What the guards need to know about an order to allow a move. */
export interface StageContext {
  paymentStatus: PaymentStatus;
  hasShippable: boolean;
  /** The stage a held order returns to on release. */
  holdFromStage: Stage | null;
}

const needsSettledPayment = (ctx: StageContext) =>
  isPaymentSettled(ctx.paymentStatus) ? undefined : `payment is ${ctx.paymentStatus}, not settled`;

/**
 * Moves a person (or an API client) may make. Pending Clearance has none: only the payment
 * provider's notification moves an order out of it. Hold releases only to where the order came from.
 */
export const ORDER_STAGE_TABLE: TransitionTable<Stage, StageContext> = {
  transitions: {
    quote_request: ['quote_sent', 'hold', 'rejected'],
    quote_sent: ['quote_request', 'accounts_receivable', 'hold', 'rejected'],
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
    shipping_department: (ctx, from) =>
      from === 'hold' && ctx.holdFromStage !== 'shipping_department'
        ? releaseOnly(ctx)
        : needsSettledPayment(ctx) ?? (ctx.hasShippable ? undefined : 'nothing on the order ships'),
    completed_order: (ctx, from) => (from === 'hold' && ctx.holdFromStage !== 'completed_order' ? releaseOnly(ctx) : needsSettledPayment(ctx)),
    quote_request: (ctx, from) => (from === 'hold' && ctx.holdFromStage !== 'quote_request' ? releaseOnly(ctx) : undefined),
    quote_sent: (ctx, from) => (from === 'hold' && ctx.holdFromStage !== 'quote_sent' ? releaseOnly(ctx) : undefined),
    pre_ordered: (ctx, from) => (from === 'hold' && ctx.holdFromStage !== 'pre_ordered' ? releaseOnly(ctx) : undefined),
    accounts_receivable: (ctx, from) => (from === 'hold' && ctx.holdFromStage !== 'accounts_receivable' ? releaseOnly(ctx) : undefined),
    fraud_review: (ctx, from) => (from === 'hold' && ctx.holdFromStage !== 'fraud_review' ? releaseOnly(ctx) : undefined),
  },
};

function releaseOnly(ctx: StageContext): string {
  return `a held order is released to the stage it came from (${ctx.holdFromStage ?? 'unknown'})`;
}

export const allowedStageMoves = (from: Stage, ctx: StageContext): Stage[] => allowedTargets(ORDER_STAGE_TABLE, from, ctx);
export const checkStageMove = (from: Stage, to: Stage, ctx: StageContext) => checkTransition(ORDER_STAGE_TABLE, from, to, ctx);

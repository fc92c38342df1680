import type { Trx } from '../../db/database.js';
import { together } from '../../db/statement-batch.js';
import { enqueueEvents, type OutboxEvent } from '../../outbox/outbox.repository.js';
import { changeOrderStage } from '../../orders/move-order-stage.js';
import { insertOrderHistory, updateOrderRow } from '../../orders/orders.repository.js';
import type { OrderRow } from '../../orders/orders.table.js';
import { routeAfterPaymentStep } from '../../stages/routing.js';
import type { PaymentMethod, Stage } from '../../stages/stages.js';
import { formatMoney } from '../../shared/money.js';
import { staleVersion } from '../../shared/versioning.js';
import { dueOf } from '../ledger/ledger.mapper.js';
import { listLedgerRows } from '../ledger/ledger.repository.js';
import { derivePaymentState, type PaymentState } from '../ledger/payment-state.js';

/** Stages where an order waits on its payment, so a payment outcome decides where it goes next. */
const WAITING_ON_PAYMENT: ReadonlySet<Stage> = new Set(['accounts_receivable', 'pending_clearance']);
/** Stages an order reaches once its payment is settled: a balance found owed there goes back to be collected. */
const PAST_PAYMENT: ReadonlySet<Stage> = new Set(['shipping_department', 'completed_order']);

/** The gateway's AVS/CVV answers took the order's fraud score over the threshold: review before fulfilment. */
export interface ReviewHold {
  reason: string;
  fraudScore: number;
  fraudReasonsJson: string;
}

export interface PaymentSync {
  state: PaymentState;
  stage: Stage;
  moved: boolean;
}

/**
 * Re-derives the order's payment figures from its ledger and stores them, in the transaction that changed
 * the ledger; then, if the order was waiting on its payment, routes it as the outcome says: settled →
 * shipping or completed, submitted and pending → Pending Clearance, bounced → Accounts Receivable.
 * `note` is the history line (what happened to the money); `review` sends a paid order to Fraud Review
 * instead, when the gateway's AVS/CVV answers scored it over the fraud threshold.
 */
export async function syncOrderPayment(
  trx: Trx, order: OrderRow, actor: string, note: string, now: number,
  opts: {
    review?: ReviewHold | undefined;
    patch?: Partial<Pick<OrderRow, 'refund_blocked' | 'fraud_score' | 'fraud_reasons_json'>>;
    /**
     * What may have left a balance owed on an order past its payment: a capture just recorded (it released
     * what it did not take) or an edit that raised the total. A balance nothing holds can then be collected
     * only by Accounts Receivable (retry, payment request, mark paid), so the order goes there.
     */
    balanceAfter?: 'capture' | 'edit';
  } = {},
): Promise<PaymentSync> {
  // The ledger as it is now, and the history line that says why: one round trip on PostgreSQL.
  const [ledger] = await together(trx, (t) => [
    listLedgerRows(t, order.id),
    insertOrderHistory(t, { orderId: order.id, at: now, actor, kind: 'payment', reason: note }),
  ] as const);
  const state = derivePaymentState(ledger, Number(order.total));
  const patch = {
    payment_status: state.status, paid_total: state.paidTotal, authorized_total: state.authorizedTotal,
    refunded_total: state.refundedTotal, paid_at: state.paidAt, updated_at: now,
    ...(opts.review ? { fraud_score: opts.review.fraudScore, fraud_reasons_json: opts.review.fraudReasonsJson, fraud_hold: 1 } : {}),
    ...opts.patch,
  };
  const from = order.stage as Stage;
  const target = WAITING_ON_PAYMENT.has(from) ? nextStage(order, state, opts.review?.reason)
    : opts.balanceAfter && PAST_PAYMENT.has(from) ? balanceToCollect(order, state, opts.balanceAfter) : undefined;
  const events: OutboxEvent[] = state.status === order.payment_status ? [] : [{
    topic: 'order.payment_changed', aggregate: { type: 'order', id: order.order_number },
    payload: { orderId: order.order_number, from: order.payment_status, to: state.status, paid: state.paidTotal, refunded: state.refundedTotal },
  }];
  if (target && target.stage !== from) {
    await changeOrderStage(trx, order, target.stage, target.reason, actor, now, patch, undefined, events);
  } else {
    if (!(await updateOrderRow(trx, order.id, order.version, patch))) {
      throw staleVersion('order', { version: order.version, source: 'body' }, order.version + 1);
    }
    await enqueueEvents(trx, events, now);
  }
  return { state, stage: target?.stage ?? from, moved: !!target && target.stage !== from };
}

function nextStage(order: OrderRow, state: PaymentState, holdForReview: string | undefined): { stage: Stage; reason: string } | undefined {
  if (holdForReview && (state.status === 'processed' || state.status === 'authorized')) return { stage: 'fraud_review', reason: holdForReview };
  if (state.inFlight && state.status === 'unprocessed' && !state.awaitingClearance) return undefined; // no answer yet: stay put
  if (state.awaitingClearance && state.status === 'unprocessed') return order.stage === 'accounts_receivable' ? { stage: 'pending_clearance', reason: 'payment submitted; awaiting the provider\'s notification' } : undefined;
  if (state.status === 'declined') return { stage: 'accounts_receivable', reason: 'payment failed' };
  const route = routeAfterPaymentStep({ paymentMethod: order.payment_method as PaymentMethod, paymentStatus: state.status, hasShippable: order.has_shippable === 1, hasPreorderItems: order.has_preorder === 1 });
  return route.stage === 'pending_clearance' ? undefined : route;
}

function balanceToCollect(order: OrderRow, state: PaymentState, after: 'capture' | 'edit'): { stage: Stage; reason: string } | undefined {
  if (state.status !== 'unprocessed' || state.inFlight || state.authorizedTotal > 0) return undefined;
  const owed = dueOf({ total: order.total, paid_total: state.paidTotal });
  const money = (n: number) => formatMoney(n, order.currency);
  const why = after === 'capture' ? 'after the capture, and no authorization holds it' : 'after the order\'s total was raised';
  return owed > 0
    ? { stage: 'accounts_receivable', reason: `${money(owed)} of the ${money(Number(order.total))} total is still owed ${why}: to be collected` }
    : undefined;
}

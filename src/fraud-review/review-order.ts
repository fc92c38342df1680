import type { Db, Trx } from '../db/database.js';
import { transact } from '../db/transact.js';
import { blockOrderCustomer } from '../fraud/assess-fraud.js';
import { cardLabel } from '../fraud/fraud-values.js';
import { changeOrderStage } from '../orders/move-order-stage.js';
import type { StoredPayment } from '../orders/orders.mapper.js';
import { lockOrderForChange } from '../orders/order-lock.js';
import type { OrderRow } from '../orders/orders.table.js';
import { performLedgerOperation } from '../payments/charge/ledger-operation.js';
import { startPaymentStep } from '../payments/charge/payment-step.js';
import { startVoidsOfOpenAuthorizations } from '../payments/charge/void-authorizations.js';
import { refundableOf } from '../payments/ledger/ledger.mapper.js';
import type { PaymentServices } from '../payments/payment-services.js';
import { getPaymentSettings } from '../payments/payment-settings.js';
import { refundOrder } from '../payments/refunds/refund-order.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { AppError } from '../shared/errors.js';
import type { ExpectedVersion } from '../shared/versioning.js';
import { findVaultCard } from '../vault/vault.repository.js';

export interface ReviewCommand {
  orderNumber: string;
  reason: string;
  expected?: ExpectedVersion | undefined;
}

async function lockInReview(trx: Trx, cmd: ReviewCommand): Promise<OrderRow> {
  const order = await lockOrderForChange(trx, cmd.orderNumber, cmd.expected);
  if (order.stage !== 'fraud_review') {
    throw new AppError('transition_refused', `${order.order_number} is in ${order.stage}, not fraud_review: only orders under review are approved or rejected here`, { field: '/stage' });
  }
  return order;
}

/**
 * Approve: the hold is lifted and the order goes on to the payment step — a vaulted card is charged now
 * (after commit), money already taken sends it on to shipping. Failures after the approval (a decline)
 * leave it in Accounts Receivable like any other unpaid order.
 */
export async function approveReviewedOrder(db: Db, services: PaymentServices, cmd: ReviewCommand, actor: Actor): Promise<void> {
  const { cardMode } = await getPaymentSettings(db);
  const now = Date.now();
  const step = await transact(db, async (trx) => {
    const order = await lockInReview(trx, cmd);
    return startPaymentStep(trx, order, `fraud review approved: ${cmd.reason}`, actorLabel(actor), now, {
      cardMode, gateway: services.gatewayName(), patch: { fraud_hold: 0 },
    });
  });
  if (step.ledgerId !== undefined) await performLedgerOperation(db, services, step.ledgerId);
}

/**
 * Reject: the order goes to Rejected with the reason at once; held authorizations are voided and money
 * already taken is refunded through the gateway after commit (each its own ledger row, so a gateway that
 * does not answer leaves rows recovery finishes — the rejection itself never waits on the gateway).
 * With `block`, the customer's IP, email, card and addresses join the block lists in the same transaction.
 */
export async function rejectReviewedOrder(
  db: Db, services: PaymentServices, cmd: ReviewCommand & { block?: boolean | undefined }, actor: Actor,
): Promise<RejectOutcome> {
  const who = actorLabel(actor);
  const now = Date.now();
  const { voids, refundable, blocked } = await transact(db, async (trx) => {
    const order = await lockInReview(trx, cmd);
    await changeOrderStage(trx, order, 'rejected', `fraud review rejected: ${cmd.reason}`, who, now, { fraud_hold: 0 });
    const ids = await startVoidsOfOpenAuthorizations(trx, order, { actor: who, reason: cmd.reason, keyPrefix: 'fraud-reject' }, now);
    const added = cmd.block ? (await blockOrderCustomer(trx, await blockableOf(trx, order), who, `fraud review rejected ${order.order_number}: ${cmd.reason}`, now)).added : [];
    return { voids: ids, refundable: refundableOf(order), blocked: added };
  });
  for (const id of voids) await performLedgerOperation(db, services, id);
  if (refundable === 0) return { blocked, refund: { status: 'not_needed', message: null } };
  try {
    const { refund } = await refundOrder(db, services, {
      orderNumber: cmd.orderNumber, amount: refundable, reason: `rejected in fraud review: ${cmd.reason}`, method: 'gateway',
      refundId: `fraud-reject:${cmd.orderNumber}`,
    }, actor);
    const approved = refund.entries.every((e) => e.status === 'approved');
    return { blocked, refund: { status: approved ? 'refunded' : 'pending', message: approved ? null : 'the gateway has not confirmed every refund yet' } };
  } catch (error) {
    // The rejection stands; the money is for a person to return (e.g. paid at the storefront: record an external refund).
    if (!(error instanceof AppError)) throw error;
    return { blocked, refund: { status: 'failed', message: error.message } };
  }
}

export interface RejectOutcome {
  blocked: { kind: string; value: string }[];
  /** Money taken before the review: refunded through the gateway, or why it was not. */
  refund: { status: 'not_needed' | 'refunded' | 'pending' | 'failed'; message: string | null };
}

/** "Block this customer" without deciding the order. */
export async function blockReviewedCustomer(db: Db, cmd: ReviewCommand, actor: Actor) {
  return transact(db, async (trx) => {
    const order = await lockOrderForChange(trx, cmd.orderNumber, cmd.expected);
    return blockOrderCustomer(trx, await blockableOf(trx, order), actorLabel(actor), `from order ${order.order_number}: ${cmd.reason}`);
  });
}

async function blockableOf(trx: Trx, order: OrderRow) {
  const card = (JSON.parse(order.payment_json) as StoredPayment).card;
  const vaulted = card ? await findVaultCard(trx, card.token) : undefined;
  return {
    ip: order.customer_ip, email: order.customer_email, cardFingerprint: vaulted?.fingerprint ?? null,
    cardLabel: vaulted ? cardLabel({ brand: vaulted.brand, last4: vaulted.last4, expMonth: vaulted.exp_month, expYear: vaulted.exp_year }) : null,
    billing: JSON.parse(order.billing_json), shipping: JSON.parse(order.shipping_json),
  };
}

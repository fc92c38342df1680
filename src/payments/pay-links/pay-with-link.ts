import { dueOf } from '../ledger/ledger.mapper.js';
import type { Db, Trx } from '../../db/database.js';
import type { StoredPayment } from '../../orders/orders.mapper.js';
import { insertOrderHistory, updateOrderRow } from '../../orders/orders.repository.js';
import { type Actor, actorLabel } from '../../shared/actor.js';
import { AppError } from '../../shared/errors.js';
import { storeCard } from '../../vault/store-card.js';
import { findVaultCard } from '../../vault/vault.repository.js';
import { assessFraud, type FraudFacts, recordFraudSignals } from '../../fraud/assess-fraud.js';
import { changeOrderStage } from '../../orders/move-order-stage.js';
import type { StoreCardInput } from '../../vault/vault.schemas.js';
import { performLedgerOperation, retryDelayMs } from '../charge/ledger-operation.js';
import { findLedgerRow, insertLedgerRow, listLedgerRows, lockOrderById } from '../ledger/ledger.repository.js';
import type { PaymentServices } from '../payment-services.js';
import { getPaymentSettings } from '../payment-settings.js';
import { linkRefusal, MAX_CARD_ATTEMPTS, orderRefusal, type PayLinkGone } from './pay-link-rules.js';
import type { PayLinkKey } from './pay-link-token.js';
import { countPayLinkAttempt, lockPayLink, markPayLinkUsed } from './pay-links.repository.js';
import { assertTokenMatches, linkIdOf } from './view-pay-link.js';

/** The customer is nobody's account: history and ledger rows name the link they came through. */
export const payLinkActor = (linkId: number): string => actorLabel({ kind: 'system', id: `pay-link-${linkId}`, name: 'customer, through a pay link' } satisfies Actor);

/** The new card took the order's fraud score to the threshold: held for review, nothing charged. */
export interface HeldPayment {
  kind: 'held';
  orderId: string;
}

export interface StartedPayment {
  kind: 'started';
  linkId: number;
  ledgerId: number;
  orderId: string;
  attempt: number;
}

/**
 * Step one of paying through a link, in one transaction: the link and order are locked and checked, the
 * card goes into the vault, the order's card becomes this one, and a `started` sale (or authorization, in
 * authorize mode) is written with a key of its own per attempt (`paylink:<link id>:<attempt>`). The caller
 * performs it after commit
 * (`finishPayLinkPayment`); a crash in between leaves a row recovery finishes.
 */
export async function startPayLinkPayment(
  trx: Trx, services: PaymentServices, key: PayLinkKey, token: string, card: StoreCardInput, now = Date.now(),
): Promise<StartedPayment | HeldPayment | PayLinkGone> {
  const link = assertTokenMatches(await lockPayLink(trx, linkIdOf(key, token)), token);
  const refusal = linkRefusal(link, now);
  if (refusal) return refusal;
  const order = await lockOrderById(trx, Number(link.order_id));
  if (!order) throw new AppError('not_found', 'this payment link is not valid; check that the whole link was copied');
  const settled = orderRefusal(order);
  if (settled) return settled;
  const open = (await listLedgerRows(trx, order.id)).filter((r) => r.status === 'started' || r.status === 'unknown');
  if (open.length) throw new AppError('conflict', 'a payment for this order is already being processed; wait a minute and reload the page');

  const stored = await storeCard(trx, services.keys, card, now);
  const actor = payLinkActor(link.id);
  const payment = JSON.parse(order.payment_json) as StoredPayment;
  const patch = {
    payment_method: 'credit_card',
    payment_json: JSON.stringify({ ...payment, card: { token: stored.token, brand: stored.brand, last4: stored.last4, expMonth: stored.expMonth, expYear: stored.expYear } }),
    updated_at: now,
  };
  if (!(await updateOrderRow(trx, order.id, order.version, patch))) throw new AppError('conflict', 'the order changed meanwhile; try again');
  await insertOrderHistory(trx, {
    orderId: order.id, at: now, actor, kind: 'updated', changes: order.payment_method === 'credit_card' ? ['payment.card'] : ['payment.method', 'payment.card'],
    reason: `the customer entered a card (${stored.brand} ending ${stored.last4}) through pay link ${link.id}`,
  });
  const attempt = link.attempts + 1;
  await countPayLinkAttempt(trx, link.id);
  // A new card is a new fact for the fraud rules (a blocked card, one card on many orders): scored before it is charged.
  const vaulted = await findVaultCard(trx, stored.token);
  const facts: FraudFacts = {
    currency: order.currency, total: Number(order.total), email: order.customer_email, ip: order.customer_ip,
    billing: JSON.parse(order.billing_json), shipping: JSON.parse(order.shipping_json), cardFingerprint: vaulted?.fingerprint ?? null,
  };
  const fraud = await assessFraud(trx, facts, now);
  await recordFraudSignals(trx, order.id, facts, now, ['card']);
  if (fraud.hold) {
    const current = await lockOrderById(trx, order.id);
    await changeOrderStage(trx, current!, 'fraud_review', `the card given through pay link ${link.id} scored ${fraud.score} (threshold ${fraud.threshold}): ${fraud.contributions.map((c) => c.rule).join(', ')}`,
      actor, now, { fraud_score: fraud.score, fraud_reasons_json: JSON.stringify(fraud.contributions), fraud_hold: 1 });
    await markPayLinkUsed(trx, link.id, now);
    return { kind: 'held', orderId: order.order_number };
  }
  // The merchant's card mode holds here too: with "authorize" the card is authorized now and captured at shipment.
  const { cardMode } = await getPaymentSettings(trx);
  const ledgerId = await insertLedgerRow(trx, {
    order_id: order.id, kind: cardMode, amount: dueOf(order), currency: order.currency, gateway: services.gatewayName(),
    idempotency_key: `paylink:${link.id}:${attempt}`, status: 'started', source_token: stored.token, actor,
    reason: `paid through pay link ${link.id} (attempt ${attempt} of ${MAX_CARD_ATTEMPTS})`, created_at: now, next_attempt_at: now + retryDelayMs(0),
  });
  return { kind: 'started', linkId: link.id, ledgerId, orderId: order.order_number, attempt };
}

export interface PayLinkOutcome {
  status: 'paid' | 'declined' | 'processing';
  orderId: string;
  /** The gateway's words for a decline, e.g. "the card has insufficient funds". */
  message?: string;
  attemptsLeft?: number;
}

/**
 * Step two, after commit: the sale goes to the gateway (performLedgerOperation records the answer and
 * moves a paid order on to shipping or completion). Approved → the link is used up; declined → it keeps
 * working for another card until its attempts run out; no answer yet → "processing" (recovery asks again).
 */
export async function finishPayLinkPayment(
  db: Db, services: PaymentServices, started: StartedPayment, log?: { error(o: object, m: string): void },
): Promise<PayLinkOutcome> {
  try {
    await performLedgerOperation(db, services, started.ledgerId);
  } catch (error) {
    log?.error({ err: error, ledgerId: started.ledgerId }, 'pay link payment could not be completed now; recovery will finish it');
    return { status: 'processing', orderId: started.orderId };
  }
  const row = await findLedgerRow(db, started.ledgerId);
  if (row?.status === 'approved') {
    await markPayLinkUsed(db, started.linkId, Date.now());
    return { status: 'paid', orderId: started.orderId };
  }
  if (row?.status === 'declined') {
    return { status: 'declined', orderId: started.orderId, message: row.message ?? 'the card was declined', attemptsLeft: Math.max(0, MAX_CARD_ATTEMPTS - started.attempt) };
  }
  return { status: 'processing', orderId: started.orderId };
}

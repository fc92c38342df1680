import type { Trx } from '../db/database.js';
import { together } from '../db/statement-batch.js';
import {
  type FraudAssessment, type FraudFacts, loadCompiledFraudSettings, lookUpFraud, recordFraudSignals,
} from '../fraud/assess-fraud.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { termsForOrder } from '../search/search-terms.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { invalid } from '../shared/errors.js';
import { formatOrderNumber } from '../shared/ids.js';
import { routeNewOrder } from '../stages/routing.js';
import { intakeForTotal, paymentIntakeOf, type PendingOperation, prepareIntakePayment, recordIntakePayment } from '../payments/charge/intake-payment.js';
import { establishRoutingFacts } from './order-intake.js';
import {
  assertCurrency, assertExpectedTotal, cleanCustomFields, cleanTags, normalizeAddress, normalizeEmail, normalizeIp,
} from './order-input.js';
import { checkPreorderDates, resolveItems, utcDate } from './order-items.js';
import { computeSummary } from './order-totals.js';
import { countOrderOnCustomer } from '../customers/order-customer.js';
import {
  adjustStageCount, allocateOrderIds, insertOrder, insertOrderHistory, insertOrderItems, insertOrderNote, insertSearchTerms,
} from './orders.repository.js';
import type { CreateOrderInput, OrderDto } from './orders.schemas.js';
import { toOrderDto } from './orders.mapper.js';

export interface OrderSettings {
  orderNumberPrefix: string;
}

/** How the payment step is set up for this order: the gateway's name and whether cards are sold or authorized. */
export interface IntakeSettings extends OrderSettings {
  gateway: string;
  cardMode: 'sale' | 'authorize';
}

export interface CreatedOrder {
  orderNumber: string;
  orderId: number;
  /** A charge written `started`; perform it (performLedgerOperation) after the transaction commits. */
  charge: PendingOperation | undefined;
  /** The fraud rules' verdict before payment; the gateway's AVS/CVV answers may add to it. */
  fraud: FraudAssessment | undefined;
  /**
   * The order as this transaction wrote it, built from the rows in hand instead of read back (four
   * queries). Only true while nothing else has touched the order: not after a charge.
   */
  asWritten(): OrderDto;
}

/**
 * Places an order: validates and prices it, routes it to its first stage, and writes the order, its
 * items, search terms, stage count, history and `order.created` event in the caller's transaction.
 */
export async function createOrder(trx: Trx, input: CreateOrderInput, actor: Actor, settings: IntakeSettings, now = Date.now()): Promise<CreatedOrder> {
  assertCurrency(input.currency);
  const billing = normalizeAddress(input.billing, '/billing');
  const shipping = input.shipping ? normalizeAddress(input.shipping, '/shipping') : billing;
  const email = normalizeEmail(input.customer.email);
  const ip = normalizeIp(input.customer.ip);
  const payment = input.payment;
  // A quote asks for no money until it is accepted: a payment reported as taken, held, refused or waived
  // would route it onward with a status the quote never had.
  if (payment.method === 'quote_request' && payment.status !== undefined && payment.status !== 'unprocessed') {
    throw invalid('/payment/status', `a quote request takes no payment until it is accepted: its payment status is unprocessed, not ${payment.status}`);
  }
  const prepared = await prepareIntakePayment(trx, payment);

  // Fraud rules run before any money moves (a quote asks for no money, so it is not scored).
  const fraudSettings = payment.method === 'quote_request' ? undefined : await loadCompiledFraudSettings(trx);
  const fraudDraft: Omit<FraudFacts, 'total'> = {
    currency: input.currency, email, ip, billing, shipping, cardFingerprint: prepared.cardFingerprint,
  };

  // Three round trips on PostgreSQL for everything the order reads and writes: its card; its catalog
  // items, the fraud rules' look-up, its ids and its customer; then its rows (db/statement-batch.ts).
  // The look-up needs no total, so it goes out while the items are still being priced.
  const [items, scoreFraud, ids, customer] = await together(trx, (t) => [
    resolveItems(t, input.items, input.currency),
    fraudSettings ? lookUpFraud(t, fraudSettings, fraudDraft, now) : undefined,
    allocateOrderIds(t),
    countOrderOnCustomer(t, { email, billing, shipping }, now),
  ] as const);
  checkPreorderDates(items, input.items, utcDate(now));
  const summary = computeSummary(items.map((i) => ({ quantity: i.quantity, unitPrice: i.unit_price, discount: i.discount!, tax: i.tax! })), input.shippingCost ?? 0, input.shippingTax ?? 0);
  assertExpectedTotal(input.expectedTotal, summary.total);
  // Priced now: an order asking for no money has its payment skipped rather than collected (intakeForTotal).
  const intake = intakeForTotal(prepared, summary.total, payment.method);
  const paymentStatus = intake.status;
  const fraudFacts: FraudFacts = { ...fraudDraft, total: summary.total };
  const fraud = scoreFraud?.(summary.total);
  const customerName = `${billing.firstName} ${billing.lastName}`.trim();
  const orderId = ids.id;
  const orderNumber = formatOrderNumber(settings.orderNumberPrefix, ids.sequence);
  const facts = await establishRoutingFacts(trx, {
    paymentMethod: payment.method, paymentStatus, fraudHold: (input.fraudHold ?? false) || (fraud?.hold ?? false),
    paymentIntake: paymentIntakeOf(intake),
    items: items.map((i) => ({ preorder: i.preorder!, shippable: i.shippable! })),
  });
  const decided = routeNewOrder(facts);
  const route = fraud?.hold && decided.stage === 'fraud_review'
    ? { stage: decided.stage, reason: `fraud score ${fraud.score} reached ${fraud.threshold}: ${fraud.contributions.map((c) => c.rule).join(', ')}` }
    : decided;
  const tags = cleanTags(input.tags);
  const customFields = cleanCustomFields(input.customFields);
  const values = {
    id: orderId, order_number: orderNumber, channel: input.channel, is_test: input.isTest ? 1 : 0, created_at: now, updated_at: now,
    currency: input.currency, subtotal: summary.subtotal, discount_total: summary.discount, shipping_total: summary.shipping,
    tax_total: summary.tax, total: summary.total, refunded_total: 0, customer_id: customer,
    paid_total: paymentStatus === 'processed' ? summary.total : 0, authorized_total: paymentStatus === 'authorized' ? summary.total : 0, refund_blocked: 0, customer_email: email,
    customer_name: customerName, customer_ip: ip, billing_json: JSON.stringify(billing),
    shipping_json: JSON.stringify(shipping), payment_method: payment.method, payment_status: paymentStatus,
    payment_json: JSON.stringify(intake.stored), paid_at: paymentStatus === 'processed' ? now : null, shipped_at: null,
    fraud_score: fraud ? fraud.score : null, fraud_reasons_json: fraud ? JSON.stringify(fraud.contributions) : null,
    fraud_hold: facts.fraudHold ? 1 : 0,
    has_shippable: facts.hasShippable ? 1 : 0, has_preorder: facts.hasPreorderItems ? 1 : 0,
    stage: route.stage, stage_entered_at: now, hold_from_stage: null,
    tags_json: JSON.stringify(tags), custom_fields_json: JSON.stringify(customFields), version: 1,
  };
  // As stored, for asWritten; `id` is a placeholder: item ids are not part of the order's API shape.
  const itemRows = items.map((i) => ({
    ...i, id: 0, order_id: orderId, discount: i.discount!, tax: i.tax!, shippable: i.shippable!, preorder: i.preorder!,
    expected_date: i.expected_date ?? null, quantity_shipped: i.quantity_shipped ?? 0, quantity_refunded: i.quantity_refunded ?? 0,
  }));
  const who = actorLabel(actor);
  const terms = termsForOrder({
    orderNumber, email, addresses: shipping === billing ? [billing] : [billing, shipping], skus: items.map((i) => i.sku), tags, customFields,
  });
  // Recorded in this order, which SQLite runs them in: the order row before the rows that refer to it.
  const [, charge, history, , , , , , ...notes] = await together(trx, (t) => [
    insertOrder(t, values),
    recordIntakePayment(t, { id: orderId, orderNumber, total: summary.total, currency: input.currency, stage: route.stage, createdAt: now },
      intake, { actor: who, gateway: settings.gateway, cardMode: settings.cardMode, reference: payment.reference ?? null }),
    insertOrderHistory(t, { orderId, at: now, actor: who, kind: 'created', to: route.stage, reason: route.reason }),
    insertOrderItems(t, itemRows),
    fraud ? recordFraudSignals(t, orderId, fraudFacts, now) : undefined,
    insertSearchTerms(t, orderId, now, terms),
    adjustStageCount(t, route.stage, 1),
    enqueueEvent(t, 'order.created', { type: 'order', id: orderNumber }, { orderId: orderNumber, stage: route.stage, total: summary.total, currency: input.currency }, now),
    ...(input.notes ?? []).map((note) => insertOrderNote(t, orderId, who, note, now)),
  ] as const);
  return { orderNumber, orderId, charge, fraud, asWritten: () => toOrderDto(values, itemRows, notes, [history]) };
}

import {
  ASYNCHRONOUS_METHODS, isPaymentSettled, type PaymentMethod, type PaymentStatus, type Stage,
} from './stages.js';

/**
 * What routing looks at. Each field is a fact about the order as it stands *now*; the steps that
 * establish them (fraud scoring, payment processing) run before routing and fill them in.
 */
export interface RoutingFacts {
  paymentMethod: PaymentMethod;
  paymentStatus: PaymentStatus;
  hasPreorderItems: boolean;
  /** Fraud scoring (or the storefront) asked for a manual review before money is taken. */
  fraudHold: boolean;
  hasShippable: boolean;
  /**
   * What happens to the payment as the order is placed: `charge_now` — Orderdeck takes it right after the
   * order commits (a card, e-check details to submit), and the answer routes the order on from Accounts
   * Receivable; `submitted` — an asynchronous payment the storefront already handed to its provider, so
   * the provider's notification will name it; `none` — nothing is being taken; `nothing_due` — the order,
   * priced, asks for no money, so its payment is skipped (payments/charge/intake-payment.ts).
   */
  paymentIntake: 'charge_now' | 'submitted' | 'none' | 'nothing_due';
}

export interface RoutingDecision {
  stage: Stage;
  reason: string;
}

/**
 * The stage an order enters when it is placed (DOMAIN.md, "Stages"). Checks run in the order the
 * business needs them: a quote is never charged, a pre-order waits for stock before payment, fraud
 * review comes before charging, and only then does the payment state decide.
 */
export function routeNewOrder(f: RoutingFacts): RoutingDecision {
  if (f.paymentMethod === 'quote_request') return { stage: 'quote_request', reason: 'the customer asked for a quote' };
  if (f.hasPreorderItems) return { stage: 'pre_ordered', reason: 'an item is not available yet' };
  if (f.fraudHold) return { stage: 'fraud_review', reason: 'held for fraud review before payment' };
  const route = routeAfterPaymentStep(f);
  if (f.paymentIntake === 'nothing_due') return { ...route, reason: `nothing is due (total 0): ${route.reason}` };
  if (route.stage !== 'accounts_receivable' && route.stage !== 'pending_clearance') return route;
  if (f.paymentIntake === 'charge_now') return { stage: 'accounts_receivable', reason: 'payment is being taken' };
  // Pending Clearance is left only by the provider's notification, which needs a submitted payment to
  // name: an asynchronous method with nothing submitted would wait there for good, so A/R collects it.
  if (route.stage === 'pending_clearance' && f.paymentIntake !== 'submitted') {
    return { stage: 'accounts_receivable', reason: `${f.paymentMethod} payment not submitted yet: to be collected` };
  }
  return route;
}

/**
 * The "payment step" that releasing a pre-order, approving fraud review or accepting a quote leads to, and
 * where a payment outcome sends an order waiting on it. `hasPreorderItems`: an item still waits for stock
 * (the order has not been released from Pre-ordered; a release clears it, orders/move-order-stage.ts).
 */
export function routeAfterPaymentStep(
  f: Pick<RoutingFacts, 'paymentMethod' | 'paymentStatus' | 'hasShippable'> & { hasPreorderItems?: boolean | undefined },
): RoutingDecision {
  // Paid (or held) with an item not yet in stock: it waits in Pre-ordered, as routing a new order decides,
  // for the release that follows the stock; Shipping could not ship it. An unpaid one stays where it is collected.
  if (f.hasPreorderItems && isPaymentSettled(f.paymentStatus)) {
    return { stage: 'pre_ordered', reason: `payment ${f.paymentStatus}; an item is not available yet` };
  }
  // Only held, and nothing ships: no shipment will ever prompt a capture, and Completed means paid. Accounts
  // Receivable is where an unfinished payment is finished (capture, or collect another way); the capture's
  // answer then completes the order.
  if (f.paymentStatus === 'authorized' && !f.hasShippable) {
    return { stage: 'accounts_receivable', reason: 'payment authorized, nothing to ship: to be captured' };
  }
  if (isPaymentSettled(f.paymentStatus)) {
    return f.hasShippable
      ? { stage: 'shipping_department', reason: `payment ${f.paymentStatus}; items to ship` }
      : { stage: 'completed_order', reason: `payment ${f.paymentStatus}; nothing to ship` };
  }
  if (f.paymentStatus === 'unprocessed' && ASYNCHRONOUS_METHODS.has(f.paymentMethod)) {
    return { stage: 'pending_clearance', reason: `${f.paymentMethod} payment awaits the provider's notification` };
  }
  return { stage: 'accounts_receivable', reason: `payment ${f.paymentStatus} (${f.paymentMethod})` };
}

import type { RoutingFacts } from '../stages/routing.js';
import type { PaymentMethod, PaymentStatus } from '../stages/stages.js';
import type { Trx } from '../db/database.js';

export interface IntakeDraft {
  paymentMethod: PaymentMethod;
  paymentStatus: PaymentStatus;
  fraudHold: boolean;
  paymentIntake: RoutingFacts['paymentIntake'];
  items: readonly { preorder: number; shippable: number }[];
}

/**
 * The facts routing decides on, from the order as placed: the payment as it stands before Orderdeck
 * charges anything (createOrder has scored fraud by then, and a fraud hold is one of the facts). When
 * Orderdeck itself takes the payment, it does so after the order commits, and the outcome routes the
 * order on from Accounts Receivable (payments/charge).
 */
export async function establishRoutingFacts(_trx: Trx, draft: IntakeDraft): Promise<RoutingFacts> {
  return {
    paymentMethod: draft.paymentMethod,
    paymentStatus: draft.paymentStatus,
    fraudHold: draft.fraudHold,
    paymentIntake: draft.paymentIntake,
    hasPreorderItems: draft.items.some((i) => i.preorder === 1),
    hasShippable: draft.items.some((i) => i.shippable === 1),
  };
}

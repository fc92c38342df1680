import type { RoutingFacts } from '../stages/routing.js';
import type { PaymentMethod, PaymentStatus } from '../stages/stages.js';
import type { Trx } from '../db/database.js';

export interface IntakeDraft {
  paymentMethod: PaymentMethod;
  paymentStatus: PaymentStatus;
  fraudHold: boolean;
  items: readonly { preorder: number; shippable: number }[];
}

/**
 * The seam between an order being placed and it being routed. Today the facts come from the order
 * as submitted (a storefront that already charged the card sends `processed`). Fraud scoring and
 * payment processing are steps that belong here, before routing, in that order: fraud is checked
 * before any money moves, and routing then sees the payment's real outcome.
 */
export async function establishRoutingFacts(_trx: Trx, draft: IntakeDraft): Promise<RoutingFacts> {
  return {
    paymentMethod: draft.paymentMethod,
    paymentStatus: draft.paymentStatus,
    fraudHold: draft.fraudHold,
    hasPreorderItems: draft.items.some((i) => i.preorder === 1),
    hasShippable: draft.items.some((i) => i.shippable === 1),
  };
}

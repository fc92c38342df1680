import type { PaymentMethod, PaymentStatus, Stage } from '../stages/stages.js';
import type { DemoCustomer } from './demo-customers.js';
import type { Rng } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How the payment looked when the order was placed; routing turns it into the entry stage. */
/** `captured`: settled as `settled` is, but never only authorized — Completed takes an order only once its money is taken. */
type PaymentKind = 'quote' | 'preorder' | 'declined' | 'offline' | 'async' | 'fraud' | 'settled' | 'captured' | 'skipped';

export interface PlannedMove {
  to: Stage;
  afterMs: number;
  reason: string;
}

export interface StagePlan {
  payment: PaymentKind;
  fraudHold: boolean;
  preorder: boolean;
  digitalOnly: boolean;
  /** Moves a person made after entry, each checked against the stage table by the generator. */
  moves: PlannedMove[];
}

// Queues hold recent work; months-old orders have mostly left them (completed or rejected), and only
// the queues that really do age (unpaid invoices, holds, unanswered quotes) keep a few old ones.
const RECENT: Record<Stage, number> = {
  completed_order: 22, shipping_department: 30, accounts_receivable: 9, pending_clearance: 6, quote_request: 4,
  quote_sent: 4, pre_ordered: 7, fraud_review: 5, hold: 4, rejected: 4,
};
const AGING: Record<Stage, number> = {
  completed_order: 72, shipping_department: 3, accounts_receivable: 6, pending_clearance: 0.5, quote_request: 1,
  quote_sent: 3, pre_ordered: 3, fraud_review: 0.5, hold: 2.5, rejected: 6,
};
const OLDER: Record<Stage, number> = {
  completed_order: 88, shipping_department: 0, accounts_receivable: 2, pending_clearance: 0, quote_request: 0,
  quote_sent: 0.8, pre_ordered: 0, fraud_review: 0, hold: 0.6, rejected: 7,
};
const weightsForAge = (ageDays: number) => (ageDays < 14 ? RECENT : ageDays < 90 ? AGING : OLDER);

const hours = (rng: Rng, min: number, max: number) => Math.floor((min + rng.float() * (max - min)) * HOUR);
const plan = (payment: PaymentKind, moves: PlannedMove[] = [], extra: Partial<StagePlan> = {}): StagePlan => ({
  payment, fraudHold: payment === 'fraud', preorder: payment === 'preorder', digitalOnly: false, moves, ...extra,
});

export function planStage(rng: Rng, o: { ageDays: number; forced: Stage | undefined }): StagePlan {
  const target = o.forced ?? rng.weighted(weightsForAge(o.ageDays));
  switch (target) {
    case 'quote_request': return plan('quote');
    case 'quote_sent': return plan('quote', [{ to: 'quote_sent', afterMs: hours(rng, 2, 72), reason: 'quote priced and sent' }]);
    case 'pre_ordered': return plan('preorder');
    case 'accounts_receivable': return plan(rng.chance(0.5) ? 'declined' : 'offline');
    case 'pending_clearance': return plan('async');
    case 'fraud_review': return plan('fraud');
    case 'hold':
      return plan(rng.chance(0.6) ? 'settled' : 'offline', [
        { to: 'hold', afterMs: hours(rng, 1, 48), reason: rng.pick(['address needs checking', 'customer asked to wait', 'cancel requested']) },
      ]);
    case 'shipping_department': return plan(rng.chance(0.02) ? 'skipped' : 'settled');
    case 'completed_order': {
      const digital = rng.chance(0.08);
      return plan(rng.chance(0.02) ? 'skipped' : 'captured', digital ? [] : [{ to: 'completed_order', afterMs: hours(rng, 18, 140), reason: 'shipped' }], { digitalOnly: digital });
    }
    case 'rejected': {
      const x = rng.float();
      if (x < 0.5) return plan('declined', [{ to: 'rejected', afterMs: hours(rng, 24, 240), reason: 'payment could not be collected' }]);
      if (x < 0.8) return plan('fraud', [{ to: 'rejected', afterMs: hours(rng, 1, 24), reason: 'fraud confirmed' }]);
      return plan('quote', [{ to: 'rejected', afterMs: hours(rng, 72, 720), reason: 'quote expired' }]);
    }
  }
}

export interface PlannedPayment {
  method: PaymentMethod;
  status: PaymentStatus;
  channel: string;
  /** StoredPayment as JSON: card token details or a reference, never a card number. */
  json: string;
}

const BRANDS = { visa: 55, mastercard: 30, amex: 10, discover: 5 } as const;
const ASYNC_METHODS = { paypal: 50, e_check: 30, amazon_pay: 20 } as const;
const BUSINESS_OFFLINE = { purchase_order: 60, wire: 40 } as const;
const CONSUMER_OFFLINE = { check: 40, cod: 30, wire: 15, purchase_order: 15 } as const;
const SETTLED_METHODS = { credit_card: 74, paypal: 14, amazon_pay: 8, cash: 2, e_check: 2 } as const;
const CARD_CHANNELS = { web: 80, phone: 7, ebay: 7, pos: 6 } as const;
const NO_DETAILS = JSON.stringify({ card: null, reference: null });

function cardJson(rng: Rng, createdAt: number): string {
  const card = {
    token: `tok_demo_${rng.int(2 ** 31).toString(36)}${rng.int(2 ** 31).toString(36)}`,
    brand: rng.weighted(BRANDS),
    last4: String(rng.int(10000)).padStart(4, '0'),
    expMonth: 1 + rng.int(12),
    expYear: new Date(createdAt).getUTCFullYear() + 1 + rng.int(5),
  };
  return JSON.stringify({ card, reference: null });
}

const referenceJson = (prefix: string, rng: Rng) => JSON.stringify({ card: null, reference: `${prefix}-${100000 + rng.int(900000)}` });

function card(rng: Rng, createdAt: number, status: PaymentStatus, channel = rng.chance(0.9) ? 'web' : 'phone'): PlannedPayment {
  return { method: 'credit_card', status, channel, json: cardJson(rng, createdAt) };
}

export function planPayment(rng: Rng, p: StagePlan, customer: DemoCustomer, createdAt: number): PlannedPayment {
  const business = customer.isBusiness;
  switch (p.payment) {
    case 'quote': return { method: 'quote_request', status: 'unprocessed', channel: rng.chance(0.7) ? 'web' : 'phone', json: NO_DETAILS };
    case 'preorder': return card(rng, createdAt, rng.chance(0.6) ? 'authorized' : 'unprocessed');
    case 'declined': return card(rng, createdAt, 'declined');
    case 'fraud': return card(rng, createdAt, 'unprocessed', 'web');
    case 'skipped': return { method: 'credit_card', status: 'skipped', channel: 'phone', json: NO_DETAILS }; // free replacement
    case 'async': {
      const method = rng.weighted(ASYNC_METHODS);
      return { method, status: 'unprocessed', channel: method === 'amazon_pay' && rng.chance(0.5) ? 'amazon' : 'web', json: referenceJson('PAY', rng) };
    }
    case 'offline': {
      const method = business ? rng.weighted(BUSINESS_OFFLINE) : rng.weighted(CONSUMER_OFFLINE);
      const channel = business ? 'wholesale' : rng.chance(0.6) ? 'phone' : 'web';
      return { method, status: 'unprocessed', channel, json: method === 'cod' ? NO_DETAILS : referenceJson(method === 'check' ? 'CHK' : method === 'wire' ? 'WIRE' : 'PO', rng) };
    }
    case 'settled':
    case 'captured': {
      if (business) return { method: rng.chance(0.5) ? 'purchase_order' : 'wire', status: 'processed', channel: 'wholesale', json: referenceJson('INV', rng) };
      const method = rng.weighted(SETTLED_METHODS);
      // The same draws either way (chance first), so a seed's other orders stay as they were.
      if (method === 'credit_card') return card(rng, createdAt, rng.chance(0.85) || p.payment === 'captured' ? 'processed' : 'authorized', rng.weighted(CARD_CHANNELS));
      if (method === 'cash') return { method, status: 'processed', channel: 'pos', json: NO_DETAILS };
      const channel = method === 'amazon_pay' ? (rng.chance(0.6) ? 'amazon' : 'web') : method === 'paypal' && rng.chance(0.15) ? 'ebay' : 'web';
      return { method, status: 'processed', channel, json: referenceJson('PAY', rng) };
    }
  }
}

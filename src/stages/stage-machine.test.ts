import { describe, expect, it } from 'vitest';
import { ORDER_STAGE_TABLE, allowedStageMoves, checkStageMove, type StageContext } from './stage-machine.js';
import { routeAfterPaymentStep, routeNewOrder, type RoutingFacts } from './routing.js';
import { PAYMENT_METHODS, PAYMENT_STATUSES, STAGES, type Stage } from './stages.js';

const paid: StageContext = { paymentStatus: 'processed', paymentMethod: 'credit_card', total: 4948, paid: 4948, hasShippable: true, fraudHold: false, holdFromStage: null };
const unpaid: StageContext = { ...paid, paymentStatus: 'declined', paid: 0 };

describe('order stage table', () => {
  it('lets every stage be reached, starting from the stages routing can produce', () => {
    const entry = new Set<Stage>();
    for (const paymentMethod of PAYMENT_METHODS) for (const paymentStatus of PAYMENT_STATUSES) for (const flag of [false, true]) {
      const facts: RoutingFacts = { paymentMethod, paymentStatus, hasPreorderItems: flag, fraudHold: !flag, hasShippable: flag, paymentIntake: flag ? 'submitted' : 'none' };
      entry.add(routeNewOrder(facts).stage);
      entry.add(routeNewOrder({ ...facts, hasPreorderItems: false, fraudHold: false }).stage);
    }
    const reached = new Set(entry);
    const queue = [...entry];
    while (queue.length) {
      const from = queue.shift()!;
      for (const ctx of [paid, unpaid, { ...paid, hasShippable: false }]) {
        for (const to of allowedStageMoves(from, { ...ctx, holdFromStage: from === 'hold' ? 'shipping_department' : null })) {
          if (!reached.has(to)) {
            reached.add(to);
            queue.push(to);
          }
        }
      }
    }
    expect([...reached].sort()).toEqual([...STAGES].sort());
  });

  /**
   * The hand moves of the life cycle, written out from DOMAIN.md ("Stages") rather than read from the table,
   * so a move added to or dropped from ORDER_STAGE_TABLE fails here until this list is changed on purpose.
   * Listed per source stage in the table's order (the API's allowedMoves keeps that order).
   */
  const INTENDED_MOVES: readonly (readonly [Stage, Stage])[] = [
    // Quote Request: the merchant prices it and sends it; or hold, reject.
    ['quote_request', 'quote_sent'], ['quote_request', 'hold'], ['quote_request', 'rejected'],
    // Quote Sent: back for re-pricing, accepted into the payment step (A/R) or, while a fraud hold stands,
    // into Fraud Review first; or hold, reject (expiry).
    ['quote_sent', 'quote_request'], ['quote_sent', 'accounts_receivable'], ['quote_sent', 'fraud_review'], ['quote_sent', 'hold'], ['quote_sent', 'rejected'],
    // Pre-ordered: release to the payment step (fraud review comes before charging); or hold, reject.
    ['pre_ordered', 'accounts_receivable'], ['pre_ordered', 'fraud_review'], ['pre_ordered', 'shipping_department'],
    ['pre_ordered', 'completed_order'], ['pre_ordered', 'hold'], ['pre_ordered', 'rejected'],
    // Accounts Receivable: paid → next stage (or a manual fraud check); hold, reject.
    ['accounts_receivable', 'fraud_review'], ['accounts_receivable', 'shipping_department'], ['accounts_receivable', 'completed_order'],
    ['accounts_receivable', 'hold'], ['accounts_receivable', 'rejected'],
    // Pending Clearance: none — only the provider's notification moves it.
    // Fraud Review: approve → payment step; hold; reject.
    ['fraud_review', 'accounts_receivable'], ['fraud_review', 'shipping_department'], ['fraud_review', 'completed_order'],
    ['fraud_review', 'hold'], ['fraud_review', 'rejected'],
    // Hold: release (guards narrow it to the stage it came from) or reject. Never to Pending Clearance.
    ['hold', 'quote_request'], ['hold', 'quote_sent'], ['hold', 'pre_ordered'], ['hold', 'accounts_receivable'],
    ['hold', 'fraud_review'], ['hold', 'shipping_department'], ['hold', 'completed_order'], ['hold', 'rejected'],
    // Shipping Department: fully shipped → Completed; hold; reject.
    ['shipping_department', 'completed_order'], ['shipping_department', 'hold'], ['shipping_department', 'rejected'],
    // Completed Order: "move back to shipping"; reject (refund then reject).
    ['completed_order', 'shipping_department'], ['completed_order', 'rejected'],
    // Rejected: un-reject back to a working stage, or hold.
    ['rejected', 'quote_request'], ['rejected', 'accounts_receivable'], ['rejected', 'fraud_review'], ['rejected', 'hold'],
  ];
  const intended = new Set(INTENDED_MOVES.map(([from, to]) => `${from} → ${to}`));
  /** Contexts that between them satisfy or fail every guard, including a hold from each stage. */
  const contexts: StageContext[] = [
    paid, unpaid, { ...paid, hasShippable: false }, { ...unpaid, hasShippable: false },
    { ...paid, fraudHold: true }, { ...paid, paymentMethod: 'quote_request', total: 0 }, { ...paid, paymentStatus: 'authorized', paid: 0, hasShippable: false },
    { ...paid, paymentStatus: 'authorized', paid: 0 }, { ...paid, paymentStatus: 'partially_refunded', paid: 1000 },
    ...STAGES.flatMap((holdFromStage) => [{ ...paid, holdFromStage }, { ...unpaid, holdFromStage }]),
  ];

  it('holds exactly the intended moves, no more and no fewer', () => {
    expect(INTENDED_MOVES).toHaveLength(intended.size); // the list itself names no move twice
    const expected = Object.fromEntries(STAGES.map((from) => [from, INTENDED_MOVES.filter(([f]) => f === from).map(([, to]) => to)]));
    expect(ORDER_STAGE_TABLE.transitions).toEqual(expected);
    const inTable = STAGES.flatMap((from) => ORDER_STAGE_TABLE.transitions[from].map((to) => `${from} → ${to}`));
    expect(inTable.sort()).toEqual([...intended].sort());
  });

  it('refuses every move not in the intended list, whatever the order looks like, and names the allowed targets', () => {
    for (const from of STAGES) for (const to of STAGES) {
      if (intended.has(`${from} → ${to}`)) continue;
      for (const ctx of contexts) {
        const check = checkStageMove(from, to, ctx);
        expect(check, `${from} → ${to} ${JSON.stringify(ctx)}`).toEqual({ ok: false, reason: `cannot move from ${from} to ${to}`, allowed: allowedStageMoves(from, ctx), field: '/stage' });
        expect(allowedStageMoves(from, ctx), `${from} → ${to}`).not.toContain(to);
      }
    }
  });

  it('allows every intended move for an order that meets its guards', () => {
    for (const [from, to] of INTENDED_MOVES) {
      // Only a quote is un-rejected into Quote Request.
      // Completed straight from an earlier stage is for an order with nothing to ship (see the next test).
      const ctx: StageContext = {
        ...paid, holdFromStage: from === 'hold' ? to : null, paymentMethod: to === 'quote_request' ? 'quote_request' : 'credit_card',
        hasShippable: !(to === 'completed_order' && from !== 'shipping_department' && from !== 'hold'),
      };
      expect(checkStageMove(from, to, ctx), `${from} → ${to}`).toEqual({ ok: true });
      expect(allowedStageMoves(from, ctx), `${from} → ${to}`).toContain(to);
    }
  });

  it('completes an order with something to ship only through Shipping Department, never by skipping it', () => {
    for (const from of ['pre_ordered', 'accounts_receivable', 'fraud_review'] as const) {
      expect(checkStageMove(from, 'completed_order', paid), from).toMatchObject({ ok: false, reason: expect.stringMatching(/goes to Shipping Department/), field: '/stage' });
      expect(allowedStageMoves(from, paid)).not.toContain('completed_order');
      expect(checkStageMove(from, 'completed_order', { ...paid, hasShippable: false }), from).toEqual({ ok: true });
    }
    expect(checkStageMove('shipping_department', 'completed_order', paid)).toEqual({ ok: true });
  });

  it('does not reopen a rejected order whose money was returned, except to put it on hold', () => {
    for (const paymentStatus of ['refunded', 'partially_refunded'] as const) {
      const ctx: StageContext = { ...paid, paymentStatus };
      expect(allowedStageMoves('rejected', ctx)).toEqual(['hold']);
      expect(checkStageMove('rejected', 'accounts_receivable', ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/place a new order/) });
    }
    expect(allowedStageMoves('rejected', paid)).toEqual(['accounts_receivable', 'fraud_review', 'hold']);
  });

  it('never lets a person move an order out of Pending Clearance', () => {
    for (const to of STAGES) expect(checkStageMove('pending_clearance', to, paid).ok).toBe(false);
  });

  it('sends an unpaid order nowhere that needs payment', () => {
    expect(checkStageMove('accounts_receivable', 'shipping_department', unpaid)).toMatchObject({ ok: false });
    expect(checkStageMove('accounts_receivable', 'completed_order', unpaid)).toMatchObject({ ok: false });
    expect(checkStageMove('accounts_receivable', 'shipping_department', paid)).toEqual({ ok: true });
  });

  it('does not put an order with nothing to ship into Shipping', () => {
    const digital = { ...paid, hasShippable: false };
    expect(checkStageMove('fraud_review', 'shipping_department', digital)).toMatchObject({ ok: false, reason: 'nothing on the order ships' });
    expect(checkStageMove('fraud_review', 'completed_order', digital)).toEqual({ ok: true });
  });

  it('releases a held order only to the stage it came from (or rejects it)', () => {
    const held = { ...unpaid, holdFromStage: 'accounts_receivable' as Stage };
    expect(allowedStageMoves('hold', held)).toEqual(['accounts_receivable', 'rejected']);
    expect(checkStageMove('hold', 'fraud_review', held)).toMatchObject({ ok: false, allowed: ['accounts_receivable', 'rejected'] });
  });
});

describe('a fraud hold that stands', () => {
  const held: StageContext = { ...unpaid, paymentStatus: 'unprocessed', fraudHold: true };
  const toPaymentOrFulfilment = ['accounts_receivable', 'shipping_department', 'completed_order'] as const;

  it('sends a held pre-order on to Fraud Review, never straight to the payment step or fulfilment', () => {
    expect(allowedStageMoves('pre_ordered', held)).toEqual(['fraud_review', 'hold', 'rejected']);
    // Already paid or authorized makes no difference: the review comes before shipping too.
    expect(allowedStageMoves('pre_ordered', { ...held, paymentStatus: 'authorized' })).toEqual(['fraud_review', 'hold', 'rejected']);
    for (const to of toPaymentOrFulfilment) {
      expect(checkStageMove('pre_ordered', to, held)).toMatchObject({ ok: false, reason: expect.stringMatching(/held for fraud review/), allowed: ['fraud_review', 'hold', 'rejected'], field: '/stage' });
    }
    // Without a hold the release is as before.
    expect(allowedStageMoves('pre_ordered', paid)).toEqual(['accounts_receivable', 'fraud_review', 'shipping_department', 'hold', 'rejected']);
    expect(allowedStageMoves('pre_ordered', { ...paid, hasShippable: false })).toEqual(['accounts_receivable', 'fraud_review', 'completed_order', 'hold', 'rejected']);
  });

  it('sends an accepted held quote, and an un-rejected held order, to Fraud Review', () => {
    const quote = { ...held, paymentMethod: 'quote_request' as const };
    expect(allowedStageMoves('quote_sent', quote)).toEqual(['quote_request', 'fraud_review', 'hold', 'rejected']);
    expect(checkStageMove('quote_sent', 'accounts_receivable', quote)).toMatchObject({ ok: false, allowed: expect.arrayContaining(['fraud_review']) });
    expect(allowedStageMoves('rejected', held)).toEqual(['fraud_review', 'hold']);
    // Without a hold an accepted quote goes to the payment step as before.
    expect(allowedStageMoves('quote_sent', { ...quote, fraudHold: false })).toContain('accounts_receivable');
    // In Fraud Review the hold is lifted only by the approval (its own action, which takes the payment step):
    // a plain move offers hold and reject, and names the approval when asked for more.
    expect(allowedStageMoves('fraud_review', { ...held, paymentStatus: 'processed' })).toEqual(['hold', 'rejected']);
    for (const to of toPaymentOrFulfilment) {
      expect(checkStageMove('fraud_review', to, { ...held, paymentStatus: 'processed' })).toMatchObject({ ok: false, reason: expect.stringMatching(/fraud-review\/approve/), allowed: ['hold', 'rejected'] });
    }
    expect(allowedStageMoves('fraud_review', { ...held, paymentStatus: 'processed', fraudHold: false })).toEqual(allowedStageMoves('fraud_review', paid));
    // Orders past the review decide as before.
    expect(allowedStageMoves('accounts_receivable', { ...held, paymentStatus: 'processed' })).toEqual(allowedStageMoves('accounts_receivable', paid));
    expect(allowedStageMoves('hold', { ...held, holdFromStage: 'pre_ordered' })).toEqual(['pre_ordered', 'rejected']);
  });
});

describe('quotes', () => {
  const quote: StageContext = { ...paid, paymentStatus: 'unprocessed', paymentMethod: 'quote_request' };

  it('sends only a priced quote, naming the items as what must change', () => {
    expect(checkStageMove('quote_request', 'quote_sent', { ...quote, total: 0 })).toMatchObject({ ok: false, reason: expect.stringMatching(/no price/), field: '/items' });
    expect(allowedStageMoves('quote_request', { ...quote, total: 0 })).toEqual(['hold', 'rejected']);
    expect(checkStageMove('quote_request', 'quote_sent', quote)).toEqual({ ok: true });
    // A release from Hold puts a sent quote back where it was.
    expect(checkStageMove('hold', 'quote_sent', { ...quote, total: 0, holdFromStage: 'quote_sent' })).toEqual({ ok: true });
  });

  it('un-rejects into Quote Request only an order placed as a quote request', () => {
    expect(checkStageMove('rejected', 'quote_request', quote)).toEqual({ ok: true });
    expect(checkStageMove('rejected', 'quote_request', unpaid)).toMatchObject({ ok: false, reason: expect.stringMatching(/credit_card, not as a quote request/) });
    expect(allowedStageMoves('rejected', unpaid)).toEqual(['accounts_receivable', 'fraud_review', 'hold']);
  });
});

describe('an authorization on an order with nothing to ship', () => {
  const digital: StageContext = { ...paid, paymentStatus: 'authorized', paid: 0, hasShippable: false };

  it('is not completed before it is captured: routing and the payment step send it to Accounts Receivable', () => {
    const facts: RoutingFacts = { paymentMethod: 'credit_card', paymentStatus: 'authorized', hasPreorderItems: false, fraudHold: false, hasShippable: false, paymentIntake: 'none' };
    expect(routeNewOrder(facts)).toEqual({ stage: 'accounts_receivable', reason: expect.stringMatching(/authorized, nothing to ship: to be captured/) });
    expect(routeAfterPaymentStep(facts).stage).toBe('accounts_receivable');
    expect(routeAfterPaymentStep({ ...facts, paymentStatus: 'processed' }).stage).toBe('completed_order');
    expect(routeAfterPaymentStep({ ...facts, hasShippable: true }).stage).toBe('shipping_department');
  });

  it('is not moved to Completed by hand either, until captured', () => {
    expect(checkStageMove('accounts_receivable', 'completed_order', digital)).toMatchObject({ ok: false, reason: expect.stringMatching(/capture it first/) });
    expect(checkStageMove('accounts_receivable', 'completed_order', { ...digital, paymentStatus: 'processed', paid: 4948 })).toEqual({ ok: true });
    expect(checkStageMove('hold', 'completed_order', { ...digital, holdFromStage: 'completed_order' })).toEqual({ ok: true });
  });
});

describe('completing an order that still owes money', () => {
  const authorized: StageContext = { ...paid, paymentStatus: 'authorized', paid: 0 };

  it('refuses Completed for an authorization not captured, naming the capture, and does not offer it', () => {
    expect(checkStageMove('shipping_department', 'completed_order', authorized)).toEqual({
      ok: false, reason: expect.stringContaining('POST /api/v1/orders/{orderId}/payments/capture'), allowed: ['hold', 'rejected'], field: '/payment',
    });
    expect(allowedStageMoves('shipping_department', authorized)).toEqual(['hold', 'rejected']);
    const digital = { ...authorized, hasShippable: false };
    for (const from of ['pre_ordered', 'accounts_receivable', 'fraud_review'] as const) {
      expect(checkStageMove(from, 'completed_order', digital), from).toMatchObject({ ok: false, reason: expect.stringMatching(/capture it first/), field: '/payment' });
      expect(allowedStageMoves(from, digital), from).not.toContain('completed_order');
    }
    // Shipping is still open to an authorized order: it is captured there, then completed.
    expect(checkStageMove('accounts_receivable', 'shipping_department', authorized)).toEqual({ ok: true });
  });

  it('refuses Completed while any part of the total is owed (total − paid > 0), whatever the status says', () => {
    for (const ctx of [
      { ...paid, paymentStatus: 'partially_refunded', paid: 2000 }, // half collected, then some of it refunded
      { ...paid, paid: 4000 }, // part captured, the rest still held by a second authorization
    ] satisfies StageContext[]) {
      expect(checkStageMove('shipping_department', 'completed_order', ctx), ctx.paymentStatus).toMatchObject({ ok: false, reason: expect.stringMatching(/still owes/), field: '/payment' });
      expect(allowedStageMoves('shipping_department', ctx)).not.toContain('completed_order');
    }
  });

  it('completes an order with nothing due: paid in full (refunds aside), nothing asked, or a payment skipped on purpose', () => {
    for (const ctx of [
      paid, { ...paid, paid: 5000 }, { ...paid, paymentStatus: 'partially_refunded' }, { ...paid, total: 0, paid: 0, paymentStatus: 'skipped' },
      { ...paid, paid: 0, paymentStatus: 'skipped' }, // a free replacement the storefront reports as skipped
    ] satisfies StageContext[]) {
      expect(checkStageMove('shipping_department', 'completed_order', ctx), JSON.stringify(ctx)).toEqual({ ok: true });
      expect(allowedStageMoves('shipping_department', ctx)).toContain('completed_order');
    }
    // A release from Hold puts a completed order back as it was.
    expect(checkStageMove('hold', 'completed_order', { ...authorized, holdFromStage: 'completed_order' })).toEqual({ ok: true });
  });
});

describe('routing a new order', () => {
  const base: RoutingFacts = { paymentMethod: 'credit_card', paymentStatus: 'processed', hasPreorderItems: false, fraudHold: false, hasShippable: true, paymentIntake: 'none' };
  const cases: [Partial<RoutingFacts>, Stage][] = [
    [{}, 'shipping_department'],
    [{ hasShippable: false }, 'completed_order'],
    [{ paymentStatus: 'authorized' }, 'shipping_department'],
    [{ paymentStatus: 'skipped', hasShippable: false }, 'completed_order'],
    [{ paymentStatus: 'authorized', hasShippable: false }, 'accounts_receivable'],
    [{ paymentStatus: 'declined' }, 'accounts_receivable'],
    [{ paymentStatus: 'unprocessed' }, 'accounts_receivable'],
    [{ paymentMethod: 'e_check', paymentStatus: 'unprocessed', paymentIntake: 'submitted' }, 'pending_clearance'],
    [{ paymentMethod: 'paypal', paymentStatus: 'unprocessed', paymentIntake: 'submitted' }, 'pending_clearance'],
    // Nothing a notification could name: collected in A/R rather than waiting in Pending Clearance for good.
    [{ paymentMethod: 'paypal', paymentStatus: 'unprocessed' }, 'accounts_receivable'],
    [{ paymentMethod: 'e_check', paymentStatus: 'unprocessed', paymentIntake: 'charge_now' }, 'accounts_receivable'],
    [{ paymentStatus: 'unprocessed', paymentIntake: 'charge_now' }, 'accounts_receivable'],
    [{ paymentIntake: 'charge_now', fraudHold: true }, 'fraud_review'],
    [{ paymentMethod: 'e_check', paymentStatus: 'declined' }, 'accounts_receivable'],
    [{ paymentMethod: 'check', paymentStatus: 'unprocessed' }, 'accounts_receivable'],
    [{ paymentMethod: 'purchase_order', paymentStatus: 'unprocessed' }, 'accounts_receivable'],
    [{ paymentMethod: 'quote_request', paymentStatus: 'unprocessed' }, 'quote_request'],
    [{ paymentMethod: 'quote_request', hasPreorderItems: true, fraudHold: true }, 'quote_request'],
    [{ hasPreorderItems: true, fraudHold: true }, 'pre_ordered'],
    [{ fraudHold: true }, 'fraud_review'],
    [{ fraudHold: true, paymentStatus: 'declined' }, 'fraud_review'],
  ];
  it.each(cases)('%o → %s', (facts, stage) => {
    expect(routeNewOrder({ ...base, ...facts }).stage).toBe(stage);
  });
});

describe('the payment step of an order still waiting for stock', () => {
  const facts = { paymentMethod: 'check', paymentStatus: 'processed', hasShippable: true, hasPreorderItems: true } as const;
  it('sends it to Pre-ordered once paid, as routing a new order would, rather than to Shipping or Completed', () => {
    expect(routeAfterPaymentStep(facts)).toEqual({ stage: 'pre_ordered', reason: 'payment processed; an item is not available yet' });
    expect(routeAfterPaymentStep({ ...facts, hasShippable: false }).stage).toBe('pre_ordered');
    expect(routeAfterPaymentStep({ ...facts, paymentStatus: 'authorized', hasShippable: false }).stage).toBe('pre_ordered');
  });
  it('leaves an unpaid one where its money is collected, and a released one (no items waiting) as before', () => {
    expect(routeAfterPaymentStep({ ...facts, paymentStatus: 'declined' }).stage).toBe('accounts_receivable');
    expect(routeAfterPaymentStep({ ...facts, hasPreorderItems: false }).stage).toBe('shipping_department');
    expect(routeAfterPaymentStep({ paymentMethod: 'check', paymentStatus: 'processed', hasShippable: true }).stage).toBe('shipping_department');
  });
});

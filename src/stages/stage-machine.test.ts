import { describe, expect, it } from 'vitest';
import { ORDER_STAGE_TABLE, allowedStageMoves, checkStageMove, type StageContext } from './stage-machine.js';
import { routeNewOrder, type RoutingFacts } from './routing.js';
import { PAYMENT_METHODS, PAYMENT_STATUSES, STAGES, type Stage } from './stages.js';

const paid: StageContext = { paymentStatus: 'processed', hasShippable: true, holdFromStage: null };
const unpaid: StageContext = { paymentStatus: 'declined', hasShippable: true, holdFromStage: null };

describe('order stage table', () => {
  it('lets every stage be reached, starting from the stages routing can produce', () => {
    const entry = new Set<Stage>();
    for (const paymentMethod of PAYMENT_METHODS) for (const paymentStatus of PAYMENT_STATUSES) for (const flag of [false, true]) {
      const facts: RoutingFacts = { paymentMethod, paymentStatus, hasPreorderItems: flag, fraudHold: !flag, hasShippable: flag };
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

  it('refuses every move not in the table and names the allowed targets', () => {
    for (const from of STAGES) for (const to of STAGES) {
      if (ORDER_STAGE_TABLE.transitions[from].includes(to)) continue;
      const check = checkStageMove(from, to, paid);
      expect(check.ok, `${from} → ${to}`).toBe(false);
      if (!check.ok) expect(check.allowed).toEqual(allowedStageMoves(from, paid));
    }
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

describe('routing a new order', () => {
  const base: RoutingFacts = { paymentMethod: 'credit_card', paymentStatus: 'processed', hasPreorderItems: false, fraudHold: false, hasShippable: true };
  const cases: [Partial<RoutingFacts>, Stage][] = [
    [{}, 'shipping_department'],
    [{ hasShippable: false }, 'completed_order'],
    [{ paymentStatus: 'authorized' }, 'shipping_department'],
    [{ paymentStatus: 'skipped', hasShippable: false }, 'completed_order'],
    [{ paymentStatus: 'declined' }, 'accounts_receivable'],
    [{ paymentStatus: 'unprocessed' }, 'accounts_receivable'],
    [{ paymentMethod: 'e_check', paymentStatus: 'unprocessed' }, 'pending_clearance'],
    [{ paymentMethod: 'paypal', paymentStatus: 'unprocessed' }, 'pending_clearance'],
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

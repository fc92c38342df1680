import { describe, expect, it } from 'vitest';
import { derivePaymentState, type LedgerEntry } from './payment-state.js';

let nextId = 1;
const row = (kind: LedgerEntry['kind'], status: LedgerEntry['status'], amount: number, parent: number | null = null, at = 1000): LedgerEntry =>
  ({ id: nextId++, kind, status, amount, parent_id: parent, resolved_at: at });

describe('payment state derived from the ledger', () => {
  it('is unprocessed with no rows, and while a sale is in flight', () => {
    expect(derivePaymentState([]).status).toBe('unprocessed');
    const s = derivePaymentState([row('sale', 'started', 500)]);
    expect(s).toMatchObject({ status: 'unprocessed', inFlight: true, paidTotal: 0 });
  });

  it('a declined attempt then an approved retry is processed, paid once, dated by the approval', () => {
    const s = derivePaymentState([row('sale', 'declined', 500, null, 1), row('sale', 'approved', 500, null, 2)]);
    expect(s).toMatchObject({ status: 'processed', paidTotal: 500, paidAt: 2, inFlight: false });
  });

  it('declined when the last finished attempt was declined or bounced', () => {
    expect(derivePaymentState([row('sale', 'declined', 500)]).status).toBe('declined');
    expect(derivePaymentState([row('sale', 'failed', 500)]).status).toBe('declined');
  });

  it('an authorization holds money until captured; a capture takes it; a void releases it', () => {
    const auth = row('authorize', 'approved', 900);
    expect(derivePaymentState([auth])).toMatchObject({ status: 'authorized', authorizedTotal: 900, paidTotal: 0 });
    expect(derivePaymentState([auth, row('capture', 'approved', 900, auth.id)])).toMatchObject({ status: 'processed', authorizedTotal: 0, paidTotal: 900 });
    expect(derivePaymentState([auth, row('void', 'approved', 0, auth.id)])).toMatchObject({ status: 'voided', authorizedTotal: 0 });
    expect(derivePaymentState([auth, row('capture', 'declined', 900, auth.id)]).status).toBe('authorized');
  });

  it('refunds lower nothing but the refunded figure, and name partial and full refunds', () => {
    const sale = row('sale', 'approved', 1000);
    expect(derivePaymentState([sale, row('refund', 'approved', 300, sale.id)])).toMatchObject({ status: 'partially_refunded', paidTotal: 1000, refundedTotal: 300 });
    expect(derivePaymentState([sale, row('refund', 'approved', 300, sale.id), row('external_refund', 'approved', 700)]).status).toBe('refunded');
    expect(derivePaymentState([sale, row('refund', 'declined', 300, sale.id)]).status).toBe('processed');
  });

  it('part of the total paid is not processed; a coupon the merchant conceded counts toward the total', () => {
    expect(derivePaymentState([row('offline_payment', 'approved', 400)], 1000)).toMatchObject({ status: 'unprocessed', paidTotal: 400 });
    expect(derivePaymentState([row('offline_payment', 'approved', 400), row('offline_payment', 'approved', 600)], 1000).status).toBe('processed');
    const discounted = { ...row('sale', 'approved', 900), details_json: JSON.stringify({ arDay: 5, coupon: { amountOff: 100, couponPercent: 10 } }) };
    expect(derivePaymentState([discounted], 1000)).toMatchObject({ status: 'processed', paidTotal: 900 });
  });

  it('an offline payment marked paid counts as money taken; a pending e-check does not', () => {
    expect(derivePaymentState([row('offline_payment', 'approved', 400)])).toMatchObject({ status: 'processed', paidTotal: 400 });
    expect(derivePaymentState([row('sale', 'pending', 400)])).toMatchObject({ status: 'unprocessed', paidTotal: 0, inFlight: true, awaitingClearance: true });
    expect(derivePaymentState([row('sale', 'unknown', 400)])).toMatchObject({ inFlight: true, awaitingClearance: false });
  });

  it('a chargeback is money returned: a full one leaves the order refunded, a partial one partially refunded', () => {
    const sale = row('sale', 'approved', 2650);
    expect(derivePaymentState([sale, row('chargeback', 'approved', 2650, sale.id)], 2650))
      .toMatchObject({ status: 'refunded', paidTotal: 2650, refundedTotal: 2650, chargedBackTotal: 2650 });
    expect(derivePaymentState([sale, row('chargeback', 'approved', 500, sale.id)], 2650))
      .toMatchObject({ status: 'partially_refunded', refundedTotal: 500, chargedBackTotal: 500 });
    expect(derivePaymentState([sale, row('refund', 'approved', 2000, sale.id), row('chargeback', 'approved', 650, sale.id)], 2650).status).toBe('refunded');
  });

  it('an order refunded in full and then paid again in full is processed', () => {
    const sale = row('sale', 'approved', 2650);
    const again = derivePaymentState([sale, row('refund', 'approved', 2650, sale.id), row('sale', 'approved', 2650)], 2650);
    expect(again).toMatchObject({ status: 'processed', paidTotal: 5300, refundedTotal: 2650 });
  });
});

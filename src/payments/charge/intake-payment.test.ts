import { describe, expect, it } from 'vitest';
import { type IntakePayment, intakeForTotal, paymentIntakeOf } from './intake-payment.js';

const card: IntakePayment = {
  stored: { card: { token: 'tok_1', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2031 }, reference: null },
  status: 'unprocessed', cardFingerprint: 'fp', gateway: { sourceToken: 'tok_1' },
};

describe('intakeForTotal: an order asking for no money is not charged or collected', () => {
  it('skips the payment of a 0 total, whether Orderdeck would charge it or it arrives offline', () => {
    const free = intakeForTotal(card, 0, 'credit_card');
    expect(free).toEqual({ stored: card.stored, cardFingerprint: 'fp', status: 'skipped', nothingDue: true });
    expect(paymentIntakeOf(free)).toBe('nothing_due');
    const check = intakeForTotal({ stored: { card: null, reference: null }, status: 'unprocessed', cardFingerprint: null }, 0, 'check');
    expect(check).toMatchObject({ status: 'skipped', nothingDue: true });
    const reportedPending: IntakePayment = { stored: { card: null, reference: 'pp-1' }, status: 'unprocessed', cardFingerprint: null, recorded: { kind: 'sale', status: 'pending' } };
    expect(intakeForTotal(reportedPending, 0, 'paypal')).not.toHaveProperty('recorded');
  });

  it('leaves a priced order, a quote and a payment already taken or waived as they are', () => {
    expect(intakeForTotal(card, 1, 'credit_card')).toBe(card);
    expect(paymentIntakeOf(card)).toBe('charge_now');
    const quote: IntakePayment = { stored: { card: null, reference: null }, status: 'unprocessed', cardFingerprint: null };
    expect(intakeForTotal(quote, 0, 'quote_request')).toBe(quote);
    const taken: IntakePayment = { ...quote, status: 'processed', recorded: { kind: 'sale', status: 'approved' } };
    expect(intakeForTotal(taken, 0, 'credit_card')).toBe(taken);
  });
});

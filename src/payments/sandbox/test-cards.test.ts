import { describe, expect, it } from 'vitest';
import { luhnValid } from '../../shared/card-number.js';
import { evaluateCard, routingNumberValid, SANDBOX_TEST_ACCOUNTS, SANDBOX_TEST_CARDS } from './test-cards.js';

describe('sandbox test cards', () => {
  it('are all Luhn-valid, distinct and cover every behaviour the issue names', () => {
    for (const card of SANDBOX_TEST_CARDS) expect(luhnValid(card.number), card.number).toBe(true);
    expect(new Set(SANDBOX_TEST_CARDS.map((c) => c.number)).size).toBe(SANDBOX_TEST_CARDS.length);
    const codes = SANDBOX_TEST_CARDS.map((c) => (c.result.status === 'declined' ? c.result.code : `approved/${c.result.avs}`));
    expect(codes).toEqual(expect.arrayContaining(['approved/Y', 'card_declined', 'insufficient_funds', 'expired_card', 'approved/N', 'incorrect_cvc']));
  });

  it('declines any card past its expiry month, and numbers that fail Luhn', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    expect(evaluateCard({ number: '4111111111111111', expMonth: 10, expYear: 2026 }, now)).toMatchObject({ status: 'declined', code: 'expired_card' });
    expect(evaluateCard({ number: '4111111111111111', expMonth: 11, expYear: 2026 }, now)).toMatchObject({ status: 'approved' });
    expect(evaluateCard({ number: '4111111111111112', expMonth: 11, expYear: 2030 }, now)).toMatchObject({ status: 'declined', code: 'invalid_number' });
  });

  it('checks ABA routing numbers', () => {
    expect(routingNumberValid(SANDBOX_TEST_ACCOUNTS.routingNumber)).toBe(true);
    expect(routingNumberValid('110000001')).toBe(false);
    expect(routingNumberValid('11000000')).toBe(false);
  });
});

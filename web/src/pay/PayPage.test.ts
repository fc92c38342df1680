import { describe, expect, it } from 'vitest';
import { declineText } from './PayPage';

describe('the pay page after a decline', () => {
  it('says the card was declined once, with the gateway’s reason', () => {
    expect(declineText('the card was declined', 2)).toBe('The card was declined. Try another card.');
    expect(declineText('The card was declined.', 1)).toBe('The card was declined. Try another card. One try is left.');
    expect(declineText('the card has insufficient funds', 2)).toBe('The card was declined: the card has insufficient funds. Try another card.');
    expect(declineText(undefined, 2)).toBe('The card was declined. Try another card.');
    expect(declineText('  ', 0)).toBe('The card was declined. Try another card.');
  });
});

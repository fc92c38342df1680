import { describe, expect, it } from 'vitest';
import { isPartlyPaid, paymentFiguresTone, paymentStatusText } from './labels';

describe('a payment status as shown', () => {
  it('says how much is paid when part of the total came in and the status still says unprocessed or declined', () => {
    const wire = { status: 'unprocessed', paid: 20000, total: 50000, currency: 'JPY' };
    expect(isPartlyPaid(wire)).toBe(true);
    expect(paymentStatusText(wire)).toMatch(/^Unprocessed · ￥20,000 of ￥50,000 paid$|^Unprocessed · ¥20,000 of ¥50,000 paid$/);
    expect(paymentFiguresTone(wire)).toBe('warning');
    expect(paymentStatusText({ ...wire, status: 'declined', currency: 'USD', paid: 1000, total: 4898 })).toBe('Declined · $10.00 of $48.98 paid');
  });

  it('is the plain label otherwise', () => {
    const order = { status: 'unprocessed', paid: 0, total: 50000, currency: 'JPY' };
    expect(paymentStatusText(order)).toBe('Unprocessed');
    expect(paymentFiguresTone(order)).toBe('neutral');
    expect(paymentStatusText({ ...order, status: 'processed', paid: 50000 })).toBe('Processed');
    // Paid in part, then refunded in part: the status says so already.
    expect(paymentStatusText({ ...order, status: 'partially_refunded', paid: 20000 })).toBe('Partially refunded');
    expect(paymentStatusText({ ...order, status: 'processed', paid: 20000 })).toBe('Processed'); // the rest held by an authorization
  });
});

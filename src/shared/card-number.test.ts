import { describe, expect, it } from 'vitest';
import { cardNumberSpans, containsCardNumber, luhnValid, redactCardNumbers } from './card-number.js';
import { findCardNumber } from './request-text.js';

describe('card numbers in free text', () => {
  it('finds a card number written next to other numbers (the audit cases)', () => {
    for (const text of [
      '4111111111111111 123', // a security code after it
      '4111 1111 1111 1111 12/26', // an expiry after it
      'order 12 4111111111111111', // a number before it
      '4111-1111-1111-1111 exp 12 26',
      'ref 99 4111 1111 1111 1111',
      'ref 99 4111 1111 1111 1111 12 26', // numbers on both sides
      '1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 4111 1111 1111 1111', // far along a long run
      '4111\u00a01111\u00a01111\u00a01111', // non-breaking spaces, as pasted from a document
      '4111\t1111\t1111\t1111',
      '4111\u20091111\u202f1111 1111', // thin and narrow non-breaking spaces
      '4111\u20131111\u20131111\u20131111', // en dashes
      '4111\u20111111\u20111111\u20111111', // non-breaking hyphens
    ]) {
      expect(containsCardNumber(text), text).toBe(true);
      expect(findCardNumber({ notes: ['ok', text] }), text).toBe('/notes/1');
    }
  });

  it('still finds what it found before: whole numbers, grouped or packed next to letters, strings or JSON numbers', () => {
    expect(containsCardNumber('4111111111111111')).toBe(true);
    expect(containsCardNumber('card 4242 4242 4242 4242 thanks')).toBe(true);
    expect(containsCardNumber('5555-5555-5555-4444')).toBe(true);
    expect(containsCardNumber('card4111111111111111')).toBe(true);
    expect(containsCardNumber('4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1')).toBe(true); // spaced digit by digit
    expect(containsCardNumber('3782 822463 10005')).toBe(true); // 15 digits, grouped 4-6-5
    expect(findCardNumber({ n: 4111111111111111 })).toBe('/n');
  });

  it('does not refuse prices, dates, phone numbers, order numbers or 10–12 digit numbers', () => {
    for (const text of [
      'Total 1,299.00 EUR; 2 x 12.50 and 3 x 4.99',
      '$1,234,567.89',
      'delivered 2024-05-01 12:30, due 01/06/2024',
      'from 2024-05-01 to 2024-06-30',
      '2024-05-01 - 2024-06-30',
      'call +44 20 7946 0958',
      'call +1 415 555 2671 or +1 (415) 555-2672',
      '+44 20 7946 0958, +1 415 555 2671',
      'order OD-1000042',
      'orders OD-1000042 and OD-1000043, ACME-1000001',
      'invoice 2024-000123, PO 4500012345',
      '1234567890',
      '12345678901',
      '123456789012',
      'account 0123456789 or 098765432112',
      'tracking 1Z999AA10123456784',
    ]) {
      expect(containsCardNumber(text), text).toBe(false);
    }
  });

  it('does not take an international phone number written with the 00 prefix for a card number', () => {
    // Each is 13–14 digits and Luhn-valid, so each was refused while a sequence starting with 0 was a candidate.
    const phones = ['0044 20 7946 0006', '001 212 555 0108', '0044-20-7946-0014', '0044\u00a020\u00a07946\u00a00022'];
    for (const phone of phones) {
      expect(luhnValid(phone.replace(/\D/g, '')), phone).toBe(true);
      for (const text of [phone, `call ${phone} ext 12`, `${phone} or 001 212 555 0116`]) {
        expect(containsCardNumber(text), text).toBe(false);
        expect(findCardNumber({ billing: { phone: text } }), text).toBeUndefined();
      }
    }
  });

  it('still finds a card number next to or inside groups that start with 0', () => {
    for (const text of [
      '0044 4111 1111 1111 1111', // after a 0-group in the same run
      'ref 0123 4111 1111 1111 1111 12/26',
      '0 4111 1111 1111 1111',
      'call 0044 20 7946 0006, card 4111 1111 1111 1111',
      '4000 0566 5566 5556', // groups inside the number start with 0
      '6011 0009 9013 9424',
      '5105-1051-0510-5100',
    ]) {
      expect(containsCardNumber(text), text).toBe(true);
    }
    expect(cardNumberSpans('0044 4111 1111 1111 1111').map((s) => s.digits)).toEqual(['4111111111111111']);
    expect(redactCardNumbers('0044 4111 1111 1111 1111')).toBe('0044 [card number]');
  });

  it('does not cut a long continuous number into windows', () => {
    // 22 digits that hold a Luhn-valid 16-digit number inside: one number, not a card number.
    const tracking = `12${'4111111111111111'}1234`;
    expect(tracking).toHaveLength(22);
    expect(luhnValid(tracking.slice(2, 18))).toBe(true);
    expect(containsCardNumber(`tracking ${tracking}`)).toBe(false);
    expect(containsCardNumber('7'.repeat(100_000))).toBe(false);
  });

  it('does not count a wrong check digit, even with numbers around it', () => {
    expect(containsCardNumber('4111111111111112')).toBe(false);
    expect(containsCardNumber('card 4111 1111 1111 1112 exp 12/26')).toBe(false);
  });

  it('reports each card number as written, and masks them for log lines', () => {
    const text = 'pay 12 4111 1111 1111 1111 12/26 or 5555-5555-5555-4444.';
    expect(cardNumberSpans(text).map((s) => [text.slice(s.start, s.end), s.digits])).toEqual([
      ['4111 1111 1111 1111', '4111111111111111'],
      ['5555-5555-5555-4444', '5555555555554444'],
    ]);
    expect(redactCardNumbers(text)).toBe('pay 12 [card number] 12/26 or [card number].');
    expect(redactCardNumbers('/api/v1/orders/4111111111111111/items', '*')).toBe('/api/v1/orders/*/items');
    expect(redactCardNumbers('nothing to hide 2024-05-01')).toBe('nothing to hide 2024-05-01');
  });

  it('scans a long input in one pass, without a regular expression stack overflow', () => {
    // Half a million single-digit groups in one run, then a card number: found, and nothing before it.
    const text = `${'1 '.repeat(500_000)}x 4111111111111111`;
    expect(cardNumberSpans(text).map((s) => s.digits)).toEqual(['4111111111111111']);
  });
});

describe('only numbers a card brand could have issued count', () => {
  it('leaves everyday digit groups alone that pass Luhn but are no brand\'s number (the tester\'s cases)', () => {
    // Each held a Luhn-valid sequence of 13–19 digits and was refused: 7016…8171 (16 digits from 7), 3157100000004 (from 3, not a brand's 3).
    for (const text of [
      'Shipped USPS tracking 9400 7016 8773 1322 8171 80',
      'cp3-157-100000004@corp.example',
      '1000 0000 0000 0008', // 16 digits from 1: no brand
      '7000 0000 0000 0005',
      '4000 0000 0000 0000 02', // a Visa prefix with 18 digits: Visa issues 13, 16 or 19
      '3400 0000 0000 0000', // Amex prefix, 16 digits: Amex issues 15
      '5100 0000 0000 0000 003', // Mastercard prefix, 19 digits: Mastercard issues 16
    ]) {
      const digits = cardNumberSpansIgnoringBrand(text);
      expect(digits.some((d) => luhnValid(d)), `${text} holds a Luhn-valid run`).toBe(true);
      expect(containsCardNumber(text), text).toBe(false);
      expect(findCardNumber({ notes: [text] }), text).toBeUndefined();
    }
  });

  it('still finds real card numbers of every brand, grouped or not', () => {
    for (const text of [
      '4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005', '6011111111111117', '3530111333300000',
      '36227206271667', '30569309025904', '2223003122003222', '6200000000000005', '6445644564456445',
      '4222222222222', // a 13-digit Visa
      '6759 6498 2643 8453', // Maestro (UK)
      'card 5018 0000 0000 7 thanks', // a 13-digit Maestro
    ]) {
      expect(luhnValid(text.replace(/\D/g, '')), text).toBe(true);
      expect(containsCardNumber(text), text).toBe(true);
      expect(findCardNumber({ customer: { email: `x ${text}` } }), text).toBe('/customer/email');
    }
  });
});

/** Every 13–19-digit stretch of whole groups, Luhn or not: what the walk would have tested before any rule. */
function cardNumberSpansIgnoringBrand(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(/\d+(?:[ -]\d+)*/g) ?? []) {
    const groups = run.split(/[ -]/);
    for (let a = 0; a < groups.length; a++) {
      for (let b = a + 1; b <= groups.length; b++) {
        const digits = groups.slice(a, b).join('');
        if (digits.length >= 13 && digits.length <= 19 && digits[0] !== '0') out.push(digits);
      }
    }
  }
  return out;
}

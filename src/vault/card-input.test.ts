import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { grouped, testCardNumber, withWrongCheckDigit } from '../test-support/cards.js';
import { detectBrand } from './card-brand.js';
import { validateCard } from './card-input.js';

const NOW = Date.UTC(2026, 10, 26, 9, 30); // 26 November 2026, UTC
const valid = { expMonth: 12, expYear: 2028 };

function refusal(run: () => unknown): { field: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return { field: (error as AppError).field, message: (error as AppError).message };
  }
  throw new Error('expected the card to be refused');
}

describe('card brands', () => {
  it.each([
    ['4', 13, 'visa'], ['4', 16, 'visa'], ['4', 19, 'visa'],
    ['51', 16, 'mastercard'], ['55', 16, 'mastercard'], ['2221', 16, 'mastercard'], ['2500', 16, 'mastercard'], ['2720', 16, 'mastercard'],
    ['34', 15, 'amex'], ['37', 15, 'amex'],
    ['6011', 16, 'discover'], ['644', 16, 'discover'], ['649', 19, 'discover'], ['65', 16, 'discover'],
    ['300', 14, 'diners'], ['305', 16, 'diners'], ['3095', 14, 'diners'], ['36', 14, 'diners'], ['38', 16, 'diners'], ['39', 19, 'diners'],
    ['3528', 16, 'jcb'], ['3589', 19, 'jcb'],
    ['62', 16, 'unionpay'], ['622126', 19, 'unionpay'], ['81', 17, 'unionpay'],
    ['2220', 16, 'unknown'], ['2721', 16, 'unknown'], ['9', 12, 'unknown'], ['1', 19, 'unknown'], ['7', 15, 'unknown'],
  ])('%s… with %i digits is %s and accepted', (prefix, length, brand) => {
    const number = testCardNumber(prefix, length);
    expect(detectBrand(number).brand).toBe(brand);
    expect(validateCard({ number, ...valid }, NOW)).toMatchObject({ number, brand, ...valid, holderName: null });
  });

  it.each([
    ['visa', '4', 15], ['visa', '4', 17], ['amex', '34', 16], ['amex', '37', 14], ['mastercard', '51', 15], ['mastercard', '2221', 17],
    ['discover', '6011', 15], ['diners', '36', 13], ['jcb', '3528', 15], ['unionpay', '62', 15], ['card', '9', 11], ['card', '9', 20],
  ])('a %s number of the wrong length (%s…, %i digits) is refused on /number', (brand, prefix, length) => {
    const { field, message } = refusal(() => validateCard({ number: testCardNumber(prefix, length), ...valid }, NOW));
    expect(field).toBe('/number');
    expect(message).toContain(`a ${brand} number has`);
  });
});

describe('card number', () => {
  it('ignores spaces and dashes between digit groups', () => {
    const number = testCardNumber('4', 16, 3);
    expect(validateCard({ number: grouped(number), ...valid }, NOW).number).toBe(number);
    expect(validateCard({ number: grouped(number, '-'), ...valid }, NOW).number).toBe(number);
  });

  it.each([
    ['letters', 'x'], ['dots', '.'], ['a slash', '/'],
  ])('refuses %s, without repeating the number', (_name, bad) => {
    const number = testCardNumber('4', 16);
    const { field, message } = refusal(() => validateCard({ number: `${number.slice(0, 8)}${bad}${number.slice(8)}`, ...valid }, NOW));
    expect(field).toBe('/number');
    expect(message).not.toMatch(/\d{4}/);
  });

  it('refuses a wrong check digit (every brand, and unknown ones too), without repeating the number', () => {
    for (const [prefix, length] of [['4', 16], ['37', 15], ['5', 16], ['9', 16]] as const) {
      const { field, message } = refusal(() => validateCard({ number: withWrongCheckDigit(testCardNumber(prefix, length)), ...valid }, NOW));
      expect(field).toBe('/number');
      expect(message).toContain('check digit');
      expect(message).not.toMatch(/\d{4}/);
    }
  });
});

describe('expiry (by month, UTC)', () => {
  const number = testCardNumber('4', 16);
  it('accepts the current month and exactly 20 years ahead', () => {
    expect(() => validateCard({ number, expMonth: 11, expYear: 2026 }, NOW)).not.toThrow();
    expect(() => validateCard({ number, expMonth: 11, expYear: 2046 }, NOW)).not.toThrow();
    // Still November in UTC at the last millisecond of the month, whatever the local time zone.
    expect(() => validateCard({ number, expMonth: 11, expYear: 2026 }, Date.UTC(2026, 11, 1) - 1)).not.toThrow();
  });
  it.each([
    ['last month', 10, 2026, '/expMonth', 'expired'],
    ['last year', 12, 2025, '/expYear', 'expired'],
    ['one month past 20 years', 12, 2046, '/expYear', '20 years'],
    ['far ahead', 1, 2099, '/expYear', '20 years'],
  ])('refuses %s', (_name, expMonth, expYear, field, text) => {
    const refused = refusal(() => validateCard({ number, expMonth, expYear }, NOW));
    expect(refused.field).toBe(field);
    expect(refused.message).toContain(text);
  });
  it('refuses November 2026 from 1 December 2026 00:00 UTC', () => {
    expect(refusal(() => validateCard({ number, expMonth: 11, expYear: 2026 }, Date.UTC(2026, 11, 1))).field).toBe('/expMonth');
  });
});

describe('security code', () => {
  const visa = testCardNumber('4', 16);
  const amex = testCardNumber('34', 15);
  const unknown = testCardNumber('9', 16);
  it.each([
    [visa, '123', true], [visa, '1234', false], [visa, '12', false], [visa, '12a', false],
    [amex, '1234', true], [amex, '123', false],
    [unknown, '123', true], [unknown, '1234', true], [unknown, '12345', false],
  ])('%s with %s: accepted %s', (number, cvc, ok) => {
    if (ok) expect(() => validateCard({ number, ...valid, cvc }, NOW)).not.toThrow();
    else expect(refusal(() => validateCard({ number, ...valid, cvc }, NOW)).field).toBe('/cvc');
  });
  it('is not part of the validated card: it goes no further than the check', () => {
    const card = validateCard({ number: visa, ...valid, cvc: '123', holderName: '  Ada Lovelace ' }, NOW);
    expect(card).toEqual({ number: visa, brand: 'visa', ...valid, holderName: 'Ada Lovelace' });
    expect(Object.keys(card)).not.toContain('cvc');
  });
});

describe('holder name', () => {
  it('may not carry a card number', () => {
    const number = testCardNumber('4', 16);
    expect(refusal(() => validateCard({ number, ...valid, holderName: `Ada ${grouped(number)}` }, NOW)).field).toBe('/holderName');
  });
  it('blank becomes none', () => {
    expect(validateCard({ number: testCardNumber('4', 16), ...valid, holderName: '   ' }, NOW).holderName).toBeNull();
  });
});

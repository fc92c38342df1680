import { describe, expect, it } from 'vitest';
import { containsCardNumber, luhnValid } from './card-number.js';
import { findCardNumber } from './request-text.js';
import { formatOrderNumber } from './ids.js';
import { formatMoney, isCurrency, minorUnitDigits, roundHalfEven } from './money.js';
import { computeSummary } from '../orders/order-totals.js';
import { AppError } from './errors.js';

describe('money', () => {
  it('knows each currency\'s minor unit', () => {
    expect(minorUnitDigits('USD')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KWD')).toBe(3);
  });
  it('formats minor units in the currency', () => {
    expect(formatMoney(123456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(1234, 'JPY')).toBe('¥1,234');
    expect(formatMoney(1234, 'KWD')).toMatch(/1\.234/);
  });
  it('accepts ISO 4217 codes only', () => {
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('EUX')).toBe(false);
    expect(isCurrency('usd')).toBe(false);
  });
  it('rounds half to even', () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6, -0.5].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3, 0]);
  });
});

describe('order totals', () => {
  it('adds lines, discounts, shipping and tax exactly', () => {
    const s = computeSummary([{ quantity: 3, unitPrice: 333, discount: 99, tax: 72 }, { quantity: 1, unitPrice: 1, discount: 0, tax: 0 }], 500, 40);
    expect(s).toEqual({ subtotal: 1000, discount: 99, shipping: 500, tax: 112, total: 1513, refunded: 0 });
  });
  it('refuses a discount larger than its line, naming the line', () => {
    expect(() => computeSummary([{ quantity: 1, unitPrice: 100, discount: 0, tax: 0 }, { quantity: 1, unitPrice: 100, discount: 101, tax: 0 }], 0, 0))
      .toThrow(expect.objectContaining({ code: 'totals_mismatch', field: '/items/1/discount' }) as AppError);
  });
});

describe('card numbers', () => {
  it('checks the Luhn digit', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
  });
  it('finds a PAN typed with spaces or dashes, not phone numbers or order ids', () => {
    expect(containsCardNumber('card 4242 4242 4242 4242 thanks')).toBe(true);
    expect(containsCardNumber('5555-5555-5555-4444')).toBe(true);
    expect(containsCardNumber('call +1 415 555 2671')).toBe(false);
    expect(containsCardNumber('order OD-1000042')).toBe(false);
    expect(containsCardNumber('tracking 1Z999AA10123456784')).toBe(false);
  });
  it('reports the JSON path of a PAN anywhere in a body', () => {
    expect(findCardNumber({ a: [{ b: 'x' }, { c: 'pan 4111111111111111' }] })).toBe('/a/1/c');
    expect(findCardNumber({ n: 4111111111111111 })).toBe('/n');
    expect(findCardNumber({ a: 'nothing here' })).toBeUndefined();
  });
});

describe('order numbers', () => {
  it('are the merchant prefix plus the sequence', () => {
    expect(formatOrderNumber('ACME-', 1000001)).toBe('ACME-1000001');
  });
});

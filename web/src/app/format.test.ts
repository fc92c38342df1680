import { describe, expect, it } from 'vitest';
import { parseMoney, readMoney } from './format';

const problemOf = (text: string, currency: string): string => {
  const read = readMoney(text, currency);
  if (!('problem' in read)) throw new Error(`"${text}" was read as ${read.minor}`);
  return read.problem;
};

describe('reading a typed amount', () => {
  it('reads digits with a decimal point and correct thousands grouping', () => {
    expect(parseMoney('120.50', 'USD')).toBe(12_050);
    expect(parseMoney(' 120.5 ', 'USD')).toBe(12_050);
    expect(parseMoney('120', 'USD')).toBe(12_000);
    expect(parseMoney('.5', 'USD')).toBe(50);
    expect(parseMoney('1,234.56', 'USD')).toBe(123_456);
    expect(parseMoney('1,234', 'USD')).toBe(123_400);
    expect(parseMoney('12,345,678.90', 'USD')).toBe(1_234_567_890);
    expect(parseMoney('1,234', 'JPY')).toBe(1234);
    expect(parseMoney('400', 'JPY')).toBe(400);
    expect(parseMoney('1.234', 'KWD')).toBe(1234);
    expect(parseMoney('-2.50', 'USD')).toBe(-250);
    expect(parseMoney('0', 'USD')).toBe(0);
    expect(parseMoney('-0', 'USD')).toBe(0);
  });

  it('is exact where floating point is not', () => {
    expect(parseMoney('1.15', 'USD')).toBe(115);
    expect(parseMoney('0.29', 'USD')).toBe(29);
    expect(parseMoney('90071992547409.91', 'USD')).toBe(9_007_199_254_740_991);
    expect(parseMoney('90071992547409.92', 'USD')).toBeNull();
  });

  it('refuses a comma used as the decimal point, saying to use a point', () => {
    expect(parseMoney('120,50', 'USD')).toBeNull();
    expect(problemOf('120,50', 'USD')).toBe('Not an amount in USD: use a point for decimals: 120.50');
    expect(parseMoney('1,50', 'EUR')).toBeNull();
    expect(problemOf('1,50', 'EUR')).toBe('Not an amount in EUR: use a point for decimals: 1.50');
    expect(problemOf('1,23', 'USD')).toBe('Not an amount in USD: use a point for decimals: 1.23');
  });

  it('refuses anything else that is not a plain amount', () => {
    for (const text of ['1,2,3', '12.3.4', '12,3456', ',123', '1,234,', '12.', '1 234', '$12.50', '12.50 USD', '1e3', '--1', '-', '.', 'abc', '0x10']) {
      expect(parseMoney(text, 'USD'), text).toBeNull();
      expect(problemOf(text, 'USD'), text).toMatch(/^Not an amount in USD: use .*1,234\.50/);
    }
    expect(problemOf('', 'USD')).toBe('Enter an amount in USD, e.g. 1,234.50');
  });

  it('refuses more decimals than the currency has instead of rounding', () => {
    expect(parseMoney('400.5', 'JPY')).toBeNull();
    expect(problemOf('400.5', 'JPY')).toBe('Not an amount in JPY: JPY has no decimals');
    expect(parseMoney('400.0', 'JPY')).toBeNull();
    expect(parseMoney('12.345', 'USD')).toBeNull();
    expect(problemOf('12.345', 'USD')).toBe('Not an amount in USD: at most 2 decimals (USD has no smaller unit)');
    expect(parseMoney('1.2345', 'KWD')).toBeNull();
    expect(problemOf('1,5', 'JPY')).toMatch(/^Not an amount in JPY: use whole JPY without decimals/);
  });

  it('says so when the currency is not one', () => {
    expect(problemOf('12.50', 'US')).toBe('Not a currency: US');
  });
});

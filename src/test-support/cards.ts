import { luhnValid } from '../shared/card-number.js';

/**
 * Luhn-valid card numbers made on the fly, so test sources hold no literal card numbers: `prefix`
 * (the brand's leading digits), filler digits varied by `variant`, and the check digit.
 */
export function testCardNumber(prefix: string, length: number, variant = 0): string {
  let body = prefix;
  for (let i = 0; body.length < length - 1; i++) body += String((variant * 7 + i * 3 + 1) % 10);
  for (let check = 0; check < 10; check++) if (luhnValid(`${body}${check}`)) return `${body}${check}`;
  throw new Error('unreachable: one check digit always fits');
}

/** The same number with its check digit changed: right length and brand, wrong checksum. */
export const withWrongCheckDigit = (number: string): string =>
  `${number.slice(0, -1)}${(Number(number.slice(-1)) + 1) % 10}`;

/** Groups of four separated by spaces, as people type them. */
export const grouped = (number: string, separator = ' '): string => number.replace(/(\d{4})(?=\d)/g, `$1${separator}`);

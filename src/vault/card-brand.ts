/**
 * Card brands by issuer identification number (the leading digits) and the lengths each brand issues.
 * Ranges follow the networks' published IIN tables; where two overlap (UnionPay cards co-branded with
 * Discover, 622126–622925) the issuer's own network wins, as card-type libraries and gateways do.
 */
export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'unknown'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

interface BrandRule {
  brand: Exclude<CardBrand, 'unknown'>;
  /** Inclusive IIN ranges, compared on the first `digits` digits of the number. */
  ranges: readonly (readonly [number, number])[];
  digits: number;
  lengths: readonly number[];
}

const range = (from: number, to: number = from) => [from, to] as const;
const span = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Longer prefixes first, so 6011 is Discover before 60 could match anything broader. */
const RULES: readonly BrandRule[] = [
  { brand: 'mastercard', digits: 4, ranges: [range(2221, 2720)], lengths: [16] },
  { brand: 'jcb', digits: 4, ranges: [range(3528, 3589)], lengths: span(16, 19) },
  { brand: 'discover', digits: 4, ranges: [range(6011)], lengths: span(16, 19) },
  { brand: 'diners', digits: 4, ranges: [range(3095)], lengths: span(14, 19) },
  { brand: 'diners', digits: 3, ranges: [range(300, 305)], lengths: span(14, 19) },
  { brand: 'discover', digits: 3, ranges: [range(644, 649)], lengths: span(16, 19) },
  { brand: 'amex', digits: 2, ranges: [range(34), range(37)], lengths: [15] },
  { brand: 'diners', digits: 2, ranges: [range(36), range(38, 39)], lengths: span(14, 19) },
  { brand: 'mastercard', digits: 2, ranges: [range(51, 55)], lengths: [16] },
  { brand: 'discover', digits: 2, ranges: [range(65)], lengths: span(16, 19) },
  { brand: 'unionpay', digits: 2, ranges: [range(62), range(81)], lengths: span(16, 19) },
  { brand: 'visa', digits: 1, ranges: [range(4)], lengths: [13, 16, 19] },
];

/** Numbers of no known brand are still accepted (Luhn-checked) within the ISO/IEC 7812 lengths. */
export const UNKNOWN_LENGTHS = span(12, 19);

export function detectBrand(digits: string): { brand: CardBrand; lengths: readonly number[] } {
  for (const rule of RULES) {
    if (digits.length < rule.digits) continue;
    const prefix = Number(digits.slice(0, rule.digits));
    if (rule.ranges.some(([from, to]) => prefix >= from && prefix <= to)) return { brand: rule.brand, lengths: rule.lengths };
  }
  return { brand: 'unknown', lengths: UNKNOWN_LENGTHS };
}

/** American Express prints a four-digit code on the front; every other brand three on the back. */
export function cvcLengthsOf(brand: CardBrand): readonly number[] {
  if (brand === 'amex') return [4];
  return brand === 'unknown' ? [3, 4] : [3];
}

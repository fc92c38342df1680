/**
 * Card brands by issuer identification number (the leading digits) and the lengths each brand issues.
 * Ranges follow the networks' published IIN tables; where two overlap (UnionPay cards co-branded with
 * Discover, 622126–622925) the issuer's own network wins, as card-type libraries and gateways do.
 *
 * One table for both readers: the vault (which brand a stored card is, and the length it must have) and
 * the card-number check on every other field (could a run of digits be a real card number at all).
 */
export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'unknown'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

interface IssuerRule {
  /** Inclusive IIN ranges, compared on the first `digits` digits of the number (4 at most: see lengthsByPrefix). */
  ranges: readonly (readonly [number, number])[];
  digits: number;
  lengths: readonly number[];
}
interface BrandRule extends IssuerRule {
  brand: Exclude<CardBrand, 'unknown'>;
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

/**
 * Maestro (50, 56–69; 12–19 digits) is a real card the vault stores as brand `unknown`, so it is not one
 * of the vault's brands, but a number of its shape is a card number all the same. 12-digit ones are below
 * what free text is checked for (13), where order numbers and phone numbers would be refused too often.
 */
const MAESTRO: IssuerRule = { digits: 2, ranges: [range(50), range(56, 69)], lengths: span(12, 19) };

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

/**
 * The lengths any brand issues under a four-digit prefix, one bit per length (bit n: n digits), for every
 * prefix 0000–9999: the union over every brand whose range holds it, so a number is a possible card
 * number when some brand could have issued it. Built once; a look-up is one array read, cheap enough for
 * the check that reads every request body.
 */
const lengthsByPrefix = (() => {
  const table = new Uint32Array(10_000);
  for (const rule of [...RULES, MAESTRO]) {
    const scale = 10 ** (4 - rule.digits);
    let mask = 0;
    for (const length of rule.lengths) mask |= 1 << length;
    for (const [from, to] of rule.ranges) for (let p = from * scale; p < (to + 1) * scale; p++) table[p]! |= mask;
  }
  return table;
})();

/** Whether some card brand issues numbers of `length` digits starting with `prefix4` (the first four digits as a number). */
export function brandIssues(prefix4: number, length: number): boolean {
  return (lengthsByPrefix[prefix4]! & (1 << length)) !== 0;
}

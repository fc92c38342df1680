import type { CardBrand } from '../shared/card-brands.js';

/**
 * The brand table lives in shared/card-brands.ts: the card-number check of every other field reads the
 * same ranges, to tell a possible card number from everyday digits (tracking numbers, references).
 */
export { CARD_BRANDS, type CardBrand, detectBrand, UNKNOWN_LENGTHS } from '../shared/card-brands.js';

/** American Express prints a four-digit code on the front; every other brand three on the back. */
export function cvcLengthsOf(brand: CardBrand): readonly number[] {
  if (brand === 'amex') return [4];
  return brand === 'unknown' ? [3, 4] : [3];
}

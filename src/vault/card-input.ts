import { containsCardNumber, luhnValid } from '../shared/card-number.js';
import { invalid } from '../shared/errors.js';
import { type CardBrand, cvcLengthsOf, detectBrand } from './card-brand.js';
import type { StoreCardInput } from './vault.schemas.js';

/** A card that passed every check: what the vault seals. The CVC is deliberately not part of it. */
export interface ValidCard {
  number: string;
  brand: CardBrand;
  expMonth: number;
  expYear: number;
  holderName: string | null;
}

/** Cards are issued for at most this long; anything later is a typo (2062 for 2026), not a real card. */
const MAX_MONTHS_AHEAD = 20 * 12;

/*
 * Error messages never repeat what was sent: the request carried a card number, and problem bodies
 * end up in client logs, support tickets and browser consoles.
 */

export function normalizeCardNumber(raw: string): string {
  const digits = raw.replace(/[ -]/g, '');
  if (!/^\d+$/.test(digits)) throw invalid('/number', 'a card number may hold only digits, spaces and dashes');
  return digits;
}

/**
 * Checks a card as the vault receives it. Expiry is compared by month in UTC: a card stays valid
 * through the last day of its expiry month.
 */
export function validateCard(input: StoreCardInput, now = Date.now()): ValidCard {
  const number = normalizeCardNumber(input.number);
  const { brand, lengths } = detectBrand(number);
  if (!lengths.includes(number.length)) {
    const expected = lengths.length > 2 ? `${lengths[0]}–${lengths[lengths.length - 1]}` : lengths.join(' or ');
    throw invalid('/number', `a ${brand === 'unknown' ? 'card' : brand} number has ${expected} digits, this one has ${number.length}`);
  }
  if (!luhnValid(number)) throw invalid('/number', 'the card number is mistyped: its check digit does not match');

  checkExpiry(input.expMonth, input.expYear, now);

  if (input.cvc !== undefined) {
    const allowed = cvcLengthsOf(brand);
    if (!/^\d+$/.test(input.cvc) || !allowed.includes(input.cvc.length)) {
      throw invalid('/cvc', `the security code of a ${brand === 'unknown' ? 'card' : brand} card is ${allowed.join(' or ')} digits`);
    }
  }
  // The CVC is checked and then dropped here: card rules forbid storing it after authorisation, in
  // any form. When gateway authorisation arrives it will be handed over in memory, never persisted.

  const holderName = input.holderName?.trim() || null;
  if (holderName && containsCardNumber(holderName)) throw invalid('/holderName', 'the name on the card may not hold a card number');
  return { number, brand, expMonth: input.expMonth, expYear: input.expYear, holderName };
}

function checkExpiry(expMonth: number, expYear: number, now: number): void {
  const today = new Date(now);
  const thisMonth = today.getUTCFullYear() * 12 + today.getUTCMonth(); // months since year 0, 0-based
  const expiry = expYear * 12 + (expMonth - 1);
  if (expiry < thisMonth) {
    if (expYear < today.getUTCFullYear()) throw invalid('/expYear', 'the card has expired');
    throw invalid('/expMonth', 'the card has expired');
  }
  if (expiry > thisMonth + MAX_MONTHS_AHEAD) throw invalid('/expYear', 'the expiry year is more than 20 years ahead');
}

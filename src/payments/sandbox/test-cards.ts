import { luhnValid } from '../../shared/card-number.js';

/**
 * The sandbox's test cards. The numbers are the ones the major gateways publish for their own test
 * modes (all Luhn-valid), so people recognise them. Any other Luhn-valid, unexpired number is approved.
 */
export interface TestCard {
  number: string;
  brand: string;
  behaviour: string;
  result: { status: 'approved'; avs: string; cvv: string } | { status: 'declined'; code: string; message: string; avs: string; cvv: string };
}

const approved = (avs = 'Y', cvv = 'M') => ({ status: 'approved' as const, avs, cvv });
const declined = (code: string, message: string, avs = 'Y', cvv = 'M') => ({ status: 'declined' as const, code, message, avs, cvv });

export const SANDBOX_TEST_CARDS: readonly TestCard[] = [
  { number: '4111111111111111', brand: 'visa', behaviour: 'approved', result: approved() },
  { number: '5555555555554444', brand: 'mastercard', behaviour: 'approved', result: approved() },
  { number: '378282246310005', brand: 'amex', behaviour: 'approved', result: approved() },
  { number: '4000000000000002', brand: 'visa', behaviour: 'declined (generic)', result: declined('card_declined', 'the card was declined') },
  { number: '4000000000009995', brand: 'visa', behaviour: 'declined: insufficient funds', result: declined('insufficient_funds', 'the card has insufficient funds') },
  { number: '4000000000000069', brand: 'visa', behaviour: 'declined: expired card', result: declined('expired_card', 'the card has expired') },
  // Issuers approve despite an AVS mismatch; deciding what to do about it is the merchant's (fraud review's) job.
  { number: '4000000000000010', brand: 'visa', behaviour: 'approved with AVS mismatch (avs N)', result: approved('N', 'M') },
  { number: '4000000000000101', brand: 'visa', behaviour: 'declined: CVV mismatch (cvv N)', result: declined('incorrect_cvc', 'the security code does not match', 'Y', 'N') },
];

/** E-checks are decided by account number; any other account number settles. */
export const SANDBOX_TEST_ACCOUNTS = {
  routingNumber: '110000000',
  settles: '000123456789',
  bouncesInsufficientFunds: '000111111113',
  bouncesAccountClosed: '000222222227',
} as const;

const BOUNCES: Record<string, string> = {
  [SANDBOX_TEST_ACCOUNTS.bouncesInsufficientFunds]: 'R01 insufficient funds',
  [SANDBOX_TEST_ACCOUNTS.bouncesAccountClosed]: 'R02 account closed',
};

const BRANDS: [RegExp, string][] = [[/^4/, 'visa'], [/^5[1-5]|^2[2-7]/, 'mastercard'], [/^3[47]/, 'amex'], [/^6(?:011|5)/, 'discover']];
export const brandOf = (number: string) => BRANDS.find(([re]) => re.test(number))?.[1] ?? 'unknown';

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc?: string;
}

/** How the sandbox's "issuer" answers a card, at `now`. */
export function evaluateCard(card: CardInput, now = new Date()): TestCard['result'] {
  const number = card.number.replace(/[ -]/g, '');
  if (!/^\d{13,19}$/.test(number) || !luhnValid(number)) return declined('invalid_number', 'the card number is not valid', 'U', 'U');
  const endOfExpiryMonth = Date.UTC(card.expYear, card.expMonth, 1); // first instant after the expiry month
  if (!(card.expMonth >= 1 && card.expMonth <= 12) || endOfExpiryMonth <= now.getTime()) return declined('expired_card', 'the card has expired', 'U', 'U');
  const known = SANDBOX_TEST_CARDS.find((c) => c.number === number);
  if (known) return known.result;
  return approved('Y', card.cvc ? 'M' : 'P'); // P: no security code was sent
}

/** ABA routing numbers carry a 3-7-1 weighted checksum. */
export function routingNumberValid(routing: string): boolean {
  if (!/^\d{9}$/.test(routing)) return false;
  const w = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return [...routing].reduce((sum, d, i) => sum + Number(d) * w[i]!, 0) % 10 === 0;
}

/** undefined: the debit settles; otherwise the return reason it bounces with. */
export const echeckBounceReason = (accountNumber: string): string | undefined => BOUNCES[accountNumber];

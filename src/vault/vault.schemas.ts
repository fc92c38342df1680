import { Type, type Static } from 'typebox';
import { CARD_BRANDS } from './card-brand.js';

/*
 * Descriptions say what a card number looks like in words: a realistic example here would be a
 * Luhn-valid digit run in the OpenAPI document, which the card-number detector (rightly) flags.
 */
export const StoreCardBody = Type.Object(
  {
    number: Type.String({
      minLength: 1, maxLength: 40,
      description: 'The card number (PAN) as printed: 12 to 19 digits depending on the brand, optionally grouped with spaces or dashes. '
        + 'Checked for length, brand and check digit; it is never returned, logged or stored in clear.',
    }),
    expMonth: Type.Integer({ minimum: 1, maximum: 12, description: 'Expiry month, 1–12' }),
    expYear: Type.Integer({ minimum: 2000, maximum: 9999, description: 'Expiry year, four digits; not in the past and at most 20 years ahead (by month, UTC)' }),
    cvc: Type.Optional(Type.String({
      minLength: 1, maxLength: 8,
      description: 'Security code: 3 digits, 4 for American Express. Validated, then discarded: it is never stored.',
    })),
    holderName: Type.Optional(Type.String({ maxLength: 120, description: 'Name on the card; stored encrypted with the number' })),
  },
  { additionalProperties: false },
);
export type StoreCardInput = Static<typeof StoreCardBody>;

export const StoredCardOut = Type.Object(
  {
    token: Type.String({ description: 'Opaque vault token (`tok_` and random characters); use it wherever the card is needed' }),
    brand: Type.Enum(CARD_BRANDS),
    last4: Type.String({ description: 'The last four digits, for display' }),
    expMonth: Type.Integer(),
    expYear: Type.Integer(),
  },
  { description: 'What may be kept and shown of a card: its token, brand, last four digits and expiry' },
);
export type StoredCardDto = Static<typeof StoredCardOut>;

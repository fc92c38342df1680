import { Type, type Static } from 'typebox';
import { CurrencyCode, IsoInstant, MinorUnits } from '../../shared/schemas.js';
import { DEFAULT_EXPIRY_HOURS, MAX_EXPIRY_HOURS } from './pay-link-rules.js';

export const PaymentRequestBody = Type.Object(
  {
    expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EXPIRY_HOURS, description: `How long the link works; default ${DEFAULT_EXPIRY_HOURS} hours` })),
    message: Type.Optional(Type.String({ maxLength: 2000, description: 'A note to the customer, shown in the email above the link' })),
  },
  { additionalProperties: false },
);
export type PaymentRequestBodyT = Static<typeof PaymentRequestBody>;

export const PaymentRequestOut = Type.Object({
  orderId: Type.String(),
  url: Type.String({ description: 'The pay link, also emailed to the customer; staff may copy it. Earlier links of the order no longer work.' }),
  expiresAt: IsoInstant,
  amountDue: MinorUnits,
  currency: CurrencyCode,
  emailTo: Type.String({ description: 'Where the email goes (it is sent shortly after, from the mail outbox)' }),
  revokedLinks: Type.Integer({ minimum: 0, description: 'Earlier open links of the order this one replaced' }),
});

export const PayTokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200, description: 'The token from the pay link' }) });

export const PayLinkOut = Type.Object({
  orderId: Type.String(),
  amountDue: MinorUnits,
  currency: CurrencyCode,
  items: Type.Array(Type.Object({ description: Type.String(), quantity: Type.Integer() })),
  merchantName: Type.String(),
  expiresAt: IsoInstant,
  attemptsLeft: Type.Integer({ minimum: 0, description: 'Cards that may still be tried with this link' }),
});

export const PayResultOut = Type.Object({
  status: Type.Union([Type.Literal('paid'), Type.Literal('declined'), Type.Literal('processing')], {
    description: 'paid: done; declined: try another card (the link still works); processing: no answer yet, the store will confirm',
  }),
  orderId: Type.String(),
  message: Type.Optional(Type.String({ description: 'Why the card was declined, in the gateway\'s words' })),
  attemptsLeft: Type.Optional(Type.Integer({ minimum: 0 })),
});

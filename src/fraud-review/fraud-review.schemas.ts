import { Type } from 'typebox';
import { ExpectedVersionField } from '../shared/schemas.js';

export const ReviewBody = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why: kept in the order history' }),
  version: ExpectedVersionField,
}, { additionalProperties: false });

export const RejectBody = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  block: Type.Optional(Type.Boolean({ description: 'Also put the customer\'s IP, email, card and addresses on the block lists' })),
  version: ExpectedVersionField,
}, { additionalProperties: false });

const Blocked = Type.Array(Type.Object({ kind: Type.String(), value: Type.String(), label: Type.Optional(Type.String({ description: 'A card: brand, last four and expiry' })) }));

export const RejectOut = Type.Object({
  order: Type.Ref('Order'),
  blocked: Blocked,
  refund: Type.Object({
    status: Type.Union([Type.Literal('not_needed'), Type.Literal('refunded'), Type.Literal('pending'), Type.Literal('failed')]),
    message: Type.Union([Type.String(), Type.Null()]),
  }),
});

export const BlockOut = Type.Object({ added: Blocked });

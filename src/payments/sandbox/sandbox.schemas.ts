import { Type } from 'typebox';

/** The sandbox's request bodies: strict, like a real gateway that refuses what it does not understand. */
const Amount = Type.Integer({ minimum: 1, maximum: 1e13 });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
const Reference = Type.String({ minLength: 1, maxLength: 200 });

const Card = Type.Object({
  type: Type.Literal('card'),
  number: Type.String({ pattern: '^[0-9 -]{12,23}$' }),
  expMonth: Type.Integer({ minimum: 1, maximum: 12 }),
  expYear: Type.Integer({ minimum: 2000, maximum: 2100 }),
  cvc: Type.Optional(Type.String({ pattern: '^[0-9]{3,4}$' })),
}, { additionalProperties: false });

const ECheck = Type.Object({
  type: Type.Literal('echeck'),
  routingNumber: Type.String({ pattern: '^[0-9]{9}$' }),
  accountNumber: Type.String({ pattern: '^[0-9]{4,17}$' }),
  accountType: Type.Union([Type.Literal('checking'), Type.Literal('savings')]),
}, { additionalProperties: false });

export const OpenBody = Type.Object({ amount: Amount, currency: Currency, reference: Reference, source: Type.Union([Card, ECheck]) }, { additionalProperties: false });
export const AmountBody = Type.Object({ amount: Amount, currency: Currency, reference: Reference }, { additionalProperties: false });
export const VoidBody = Type.Object({ reference: Reference }, { additionalProperties: false });
export const TransactionParams = Type.Object({ id: Type.String({ pattern: '^txn_[a-z]{20}$' }) });
export const ChargebackBody = Type.Object({ amount: Type.Optional(Amount), reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });

const Rate = Type.Number({ minimum: 0, maximum: 1 });
export const FaultsBody = Type.Object({
  latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
  timeoutRate: Type.Optional(Rate),
  errorRate: Type.Optional(Rate),
  duplicateNotifications: Type.Optional(Type.Boolean()),
  outOfOrderNotifications: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

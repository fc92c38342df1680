import { Type, type Static } from 'typebox';
import { IsoInstant, MinorUnits } from '../shared/schemas.js';
import { LEDGER_KINDS, LEDGER_STATUSES } from './ledger/ledger.table.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const LedgerEntryOut = Type.Object({
  id: Type.Integer(),
  kind: Type.Enum(LEDGER_KINDS),
  status: Type.Enum(LEDGER_STATUSES),
  amount: Type.Integer({ description: 'Minor units; the kind says which way the money went' }),
  currency: Type.String(),
  gateway: Type.String(),
  gatewayReference: Nullable(Type.String()),
  parentId: Nullable(Type.Integer()),
  declineCode: Nullable(Type.String()),
  message: Nullable(Type.String()),
  avs: Nullable(Type.String()),
  cvv: Nullable(Type.String()),
  actor: Type.String(),
  reason: Nullable(Type.String()),
  details: Nullable(Type.Record(Type.String(), Type.Unknown())),
  attempts: Type.Integer(),
  createdAt: IsoInstant,
  resolvedAt: Nullable(IsoInstant),
}, { additionalProperties: false });

export const OrderPaymentsOut = Type.Object({
  orderId: Type.String(),
  currency: Type.String(),
  total: Type.Integer(),
  status: Type.String(),
  paid: Type.Integer(),
  authorized: Type.Integer(),
  refunded: Type.Integer({ description: 'Money returned: refunds (through the gateway or recorded as made elsewhere) and chargebacks' }),
  refundable: Type.Integer({ description: 'What may still be refunded: paid less refunded and charged back, less refunds still awaiting the gateway; 0 while refunds are blocked' }),
  refundBlocked: Type.Boolean(),
  entries: Type.Array(LedgerEntryOut),
});
export type OrderPaymentsDto = Static<typeof OrderPaymentsOut>;

export const CaptureBody = Type.Object({
  amount: Type.Optional(Type.Integer({
    minimum: 1, maximum: 1e13,
    description: 'Defaults to what the order owes (total − paid), as far as the authorization covers it; that is the only amount accepted, since a capture releases the rest of the authorization (lower the order\'s total first to take less)',
  })),
}, { additionalProperties: false });

export const PaymentSettingsOut = Type.Object({
  cardMode: Type.Union([Type.Literal('sale'), Type.Literal('authorize')], { description: 'sale: charge when the order is placed; authorize: hold the money, capture later' }),
  gateway: Type.String({ description: 'The connected gateway' }),
  connection: Type.Union([Type.Object({
    url: Type.String({ description: 'Where it is reached (ORDERDECK_GATEWAY_URL, or the built-in sandbox), without credentials' }),
    timeoutMs: Type.Integer({ description: 'Per attempt (ORDERDECK_GATEWAY_TIMEOUT_MS)' }),
    attempts: Type.Integer({ description: 'Attempts before an operation is left unknown for recovery (ORDERDECK_GATEWAY_ATTEMPTS)' }),
  }), Type.Null()], { description: 'Set in the server\'s configuration, not here' }),
  version: Type.Integer(),
});
export const PaymentSettingsBody = Type.Object({
  cardMode: Type.Union([Type.Literal('sale'), Type.Literal('authorize')]),
  version: Type.Integer({ minimum: 0, description: 'The version you read' }),
}, { additionalProperties: false });

export const LedgerEntryParams = Type.Object({
  orderId: Type.String({ minLength: 1, maxLength: 60 }),
  ledgerId: Type.Integer({ minimum: 1, description: 'The ledger entry (entries[].id)' }),
});
export const ResolveChargeBody = Type.Object({
  outcome: Type.Union([Type.Literal('approved'), Type.Literal('failed')], { description: 'What the gateway says happened to the charge' }),
  gatewayReference: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The gateway\'s transaction reference; required for approved when none is on record' })),
  note: Type.String({ minLength: 1, maxLength: 1000, description: 'How the outcome was confirmed, for the order history' }),
}, { additionalProperties: false });

export const CorrectReferenceBody = Type.Object({
  gatewayReference: Type.String({ minLength: 1, maxLength: 200, description: 'The gateway\'s transaction reference, as the gateway shows it; replaces the one typed in by hand' }),
  reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why it is corrected and where the right one was found, for the order history' }),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'The order version you read; alternative to If-Match' })),
}, { additionalProperties: false });

export { MinorUnits };

import { Type, type Static } from 'typebox';
import { LedgerEntryOut, OrderPaymentsOut } from '../payments.schemas.js';

const Amount = Type.Integer({ minimum: 0, maximum: 1e13, description: 'Minor units' });
const RefundItem = Type.Object({
  lineNo: Type.Integer({ minimum: 1, description: 'The order line, as numbered on the order' }),
  quantity: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Units to refund; at most those not refunded yet' }),
}, { additionalProperties: false });

/** What to refund: the calculation's input, shared by the preview and the refund itself. */
const RefundWhat = {
  items: Type.Optional(Type.Array(RefundItem, { maxItems: 500 })),
  shipping: Type.Optional({ ...Amount, description: 'Shipping cost to refund (minor units); its share of the shipping tax is added' }),
  tax: Type.Optional({ ...Amount, description: 'Tax to refund on top of what the items and shipping carry' }),
  amount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1e13, description: 'A custom amount instead of the computed one' })),
};

export const RefundPreviewBody = Type.Object(RefundWhat, { additionalProperties: false });

export const RefundBody = Type.Object({
  ...RefundWhat,
  reason: Type.String({ minLength: 1, maxLength: 200, description: 'One of GET /payments/refund-reasons' }),
  method: Type.Union([Type.Literal('gateway'), Type.Literal('external')], {
    description: 'gateway: send the money back through the gateway; external: record a refund made elsewhere (cash, store credit, the provider\'s dashboard)',
  }),
  externalReference: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Required for an external refund' })),
  rejectAfter: Type.Optional(Type.Boolean({ description: '"Refund then reject": once the refund is approved, move the order to Rejected' })),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'The order version you read; alternative to If-Match' })),
}, { additionalProperties: false });
export type RefundBodyInput = Static<typeof RefundBody>;

export const RefundBreakdownOut = Type.Object({
  lines: Type.Array(Type.Object({ lineNo: Type.Integer(), quantity: Type.Integer(), amount: Type.Integer() })),
  shipping: Type.Integer(),
  shippingTax: Type.Integer({ description: 'The shipping tax share that goes back with the shipping' }),
  tax: Type.Integer({ description: 'Extra tax refunded' }),
  computed: Type.Integer({ description: 'Items + shipping + shipping tax + tax' }),
  total: Type.Integer({ description: 'What is (or would be) refunded: the custom amount when given, else computed' }),
  refundable: Type.Integer({ description: 'What could be refunded before this refund' }),
});

export const RefundOut = Type.Object({
  payments: OrderPaymentsOut,
  refund: Type.Object({
    ...RefundBreakdownOut.properties,
    id: Type.String(),
    entries: Type.Array(LedgerEntryOut, { description: 'The ledger rows this refund wrote, with their outcome' }),
    rejected: Type.Boolean({ description: 'The order was moved to Rejected ("refund then reject")' }),
    replayed: Type.Boolean({ description: 'A retry with the same Idempotency-Key: the earlier refund, not a new one' }),
  }),
});

export const RefundReasonsOut = Type.Object({ reasons: Type.Array(Type.String()), version: Type.Integer() });
export const RefundReasonsBody = Type.Object({
  reasons: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 100 }),
  version: Type.Integer({ minimum: 0, description: 'The version you read' }),
}, { additionalProperties: false });

export const RefundBlockBody = Type.Object({
  blocked: Type.Boolean({ description: 'true places the block (refunds are refused), false lifts it (needs settings:manage)' }),
  reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why, for the order\'s history: the dispute, its outcome' }),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'The order version you read (or send If-Match)' })),
}, { additionalProperties: false });

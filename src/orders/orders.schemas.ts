import { Type, type Static } from 'typebox';
import { CountryCode, CurrencyCode, Email, ExpectedVersionField, IsoDate, IsoInstant, MinorUnits, Page, ShortText, SingleLineText } from '../shared/schemas.js';
import { PAYMENT_METHODS, PAYMENT_STATUSES, QUOTE_ACCEPTANCE_METHODS, STAGES } from '../stages/stages.js';

/** A reason or note is the audit record: whitespace alone says nothing, so it is refused like an empty one. */
const NOT_BLANK = '\\S';

export const StageSchema = Type.Enum(STAGES, { description: 'Order stage (department queue)' });
export const PaymentMethodSchema = Type.Enum(PAYMENT_METHODS);
export const PaymentStatusSchema = Type.Enum(PAYMENT_STATUSES);

export const Address = Type.Object(
  {
    firstName: SingleLineText(100),
    lastName: SingleLineText(100),
    company: Type.Optional(SingleLineText(200)),
    line1: SingleLineText(200),
    line2: Type.Optional(SingleLineText(200)),
    city: SingleLineText(100),
    region: Type.Optional(SingleLineText(100)),
    postalCode: Type.Optional(SingleLineText(20)),
    country: CountryCode,
    phone: Type.Optional(Type.String({ maxLength: 40, description: 'Any common notation; stored as E.164' })),
  },
  { additionalProperties: false },
);
export type AddressInput = Static<typeof Address>;

export const ItemInput = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(ShortText(500)),
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    unitPrice: Type.Optional(MinorUnits),
    discount: Type.Optional(MinorUnits),
    tax: Type.Optional(MinorUnits),
    shippable: Type.Optional(Type.Boolean()),
    preorder: Type.Optional(Type.Boolean()),
    expectedDate: Type.Optional(IsoDate),
  },
  { additionalProperties: false, description: 'Fields left out come from the catalog item with this SKU' },
);
export type ItemInputT = Static<typeof ItemInput>;

export const CardInput = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 100, description: 'Vault token (POST /vault/cards); never a card number' }),
    brand: Type.Optional(Type.String({ maxLength: 30, description: 'Ignored: the vault knows the brand' })),
    last4: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: 'Ignored: the vault knows the last four digits' })),
    expMonth: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, description: 'Ignored: the vault knows the expiry' })),
    expYear: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: 'Ignored: the vault knows the expiry' })),
  },
  { additionalProperties: false },
);

export const ECheckInput = Type.Object(
  {
    routingNumber: Type.String({ pattern: '^[0-9]{9}$', description: 'ABA routing number' }),
    accountNumber: Type.String({ pattern: '^[0-9]{4,17}$', description: 'Sent to the gateway once and never stored; the order keeps the last four digits' }),
    accountType: Type.Union([Type.Literal('checking'), Type.Literal('savings')]),
  },
  { additionalProperties: false },
);

export const PaymentInput = Type.Object(
  {
    method: PaymentMethodSchema,
    status: Type.Optional(Type.Enum(PAYMENT_STATUSES, {
      description: 'Only when the storefront already took or tried the payment. Without it Orderdeck charges the vaulted card '
        + '(or submits the e-check) itself, after the fraud check. A quote_request takes no payment: unprocessed or absent.',
    })),
    card: Type.Optional(CardInput),
    echeck: Type.Optional(ECheckInput),
    reference: Type.Optional(Type.String({ maxLength: 200, description: 'The provider\'s transaction reference when the storefront took or submitted the payment' })),
  },
  { additionalProperties: false },
);

const customFieldProps = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`custom${i + 1}`, Type.Optional(ShortText(500))]),
);
export const CustomFields = Type.Object(customFieldProps, { additionalProperties: false, description: 'custom1 … custom10' });
/** An edit names only the fields it changes: see UpdateOrderBody. */
const customFieldEditProps = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`custom${i + 1}`, Type.Optional(Type.Union([ShortText(500), Type.Null()]))]),
);
export const CustomFieldsEdit = Type.Object(customFieldEditProps, {
  additionalProperties: false,
  description: 'custom1 … custom10, merged per field into those the order has: a field given replaces that field, '
    + 'null or "" clears it, and fields not given are kept. The order\'s history and its order.updated event carry '
    + 'each changed field\'s value before and after.',
});
export const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50, pattern: '^[^,]+$' }), { maxItems: 50, uniqueItems: true });

export const CreateOrderBody = Type.Object(
  {
    channel: Type.String({ minLength: 1, maxLength: 50, description: 'Where the order came from: web, amazon, phone …' }),
    currency: CurrencyCode,
    customer: Type.Object({
      email: Email,
      ip: Type.Optional(Type.String({ maxLength: 45, description: 'IPv4 or IPv6 address the order was placed from; blank means unknown' })),
    }, { additionalProperties: false }),
    billing: Address,
    shipping: Type.Optional(Address),
    items: Type.Array(ItemInput, { minItems: 1, maxItems: 500 }),
    shippingCost: Type.Optional(MinorUnits),
    shippingTax: Type.Optional(MinorUnits),
    payment: PaymentInput,
    fraudHold: Type.Optional(Type.Boolean({ description: 'Send to Fraud Review before any payment is taken' })),
    tags: Type.Optional(Tags),
    customFields: Type.Optional(CustomFields),
    notes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 5000, pattern: NOT_BLANK }), { maxItems: 20 })),
    isTest: Type.Optional(Type.Boolean()),
    expectedTotal: Type.Optional(Type.Integer({ minimum: 0, description: 'If given, the computed total must equal it (catches price drift between storefront and back office)' })),
  },
  { additionalProperties: false },
);
export type CreateOrderInput = Static<typeof CreateOrderBody>;

export const UpdateOrderBody = Type.Object(
  {
    billing: Type.Optional(Address),
    shipping: Type.Optional(Address),
    items: Type.Optional(Type.Array(ItemInput, { minItems: 1, maxItems: 500 })),
    shippingCost: Type.Optional(MinorUnits),
    shippingTax: Type.Optional(MinorUnits),
    tags: Type.Optional(Tags),
    customFields: Type.Optional(CustomFieldsEdit),
    customerEmail: Type.Optional(Email),
    version: ExpectedVersionField,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOrderInput = Static<typeof UpdateOrderBody>;

const KeepPayment = Type.Optional(Type.Boolean({
  description: 'Rejecting an order that holds money not refunded is refused (409, /keepPayment) unless this is true: '
    + 'the merchant keeps the payment knowingly (to refund it elsewhere or later). Refund then reject is the usual way.',
}));
export const MoveStageBody = Type.Object(
  {
    stage: StageSchema,
    reason: Type.String({ minLength: 1, maxLength: 1000, pattern: NOT_BLANK }),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    paymentMethod: Type.Optional(Type.Enum(QUOTE_ACCEPTANCE_METHODS, {
      description: 'Only when a sent quote is accepted (quote_sent → accounts_receivable or fraud_review): how the customer pays, '
        + 'replacing quote_request. A card, or a method whose money arrives offline; Accounts Receivable then collects it.',
    })),
    keepPayment: KeepPayment,
  },
  { additionalProperties: false },
);
export const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000, pattern: NOT_BLANK }), keepPayment: KeepPayment }, { additionalProperties: false });
export const NoteBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 5000, pattern: NOT_BLANK }) }, { additionalProperties: false });
export const TagsBody = Type.Object({ tags: Tags }, { additionalProperties: false });

const AddressOut = Type.Object({
  firstName: Type.String(), lastName: Type.String(), company: Type.Optional(Type.String()),
  line1: Type.String(), line2: Type.Optional(Type.String()), city: Type.String(), region: Type.Optional(Type.String()),
  postalCode: Type.Optional(Type.String()), country: Type.String(), phone: Type.Optional(Type.String()),
});

export const OrderItemOut = Type.Object({
  lineNo: Type.Integer(), sku: Type.String(), description: Type.String(), quantity: Type.Integer(),
  unitPrice: Type.Integer(), discount: Type.Integer(), tax: Type.Integer(), shippable: Type.Boolean(),
  preorder: Type.Boolean(), expectedDate: Type.Union([Type.String(), Type.Null()]),
  quantityShipped: Type.Integer(), quantityRefunded: Type.Integer(),
});

export const Summary = Type.Object({
  subtotal: Type.Integer(), discount: Type.Integer(), shipping: Type.Integer(), tax: Type.Integer(),
  total: Type.Integer(), refunded: Type.Integer(),
});

export const OrderOut = Type.Object({
  id: Type.Integer({ description: 'Internal id' }),
  orderId: Type.String({ description: 'Human-readable order id' }),
  channel: Type.String(),
  isTest: Type.Boolean(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
  currency: Type.String(),
  summary: Summary,
  customer: Type.Object({ id: Type.Union([Type.Integer(), Type.Null()]), email: Type.String(), ip: Type.Union([Type.String(), Type.Null()]) }),
  billing: AddressOut,
  shipping: AddressOut,
  items: Type.Array(OrderItemOut),
  payment: Type.Object({
    method: Type.String(), status: Type.String(), paidAt: Type.Union([IsoInstant, Type.Null()]),
    paid: Type.Integer({ description: 'Money taken (minor units), before refunds' }),
    authorized: Type.Integer({ description: 'Money held by open authorizations' }),
    refundBlocked: Type.Boolean({ description: 'A chargeback is open: refunds are refused' }),
    card: Type.Union([Type.Object({ token: Type.String(), brand: Type.String(), last4: Type.String(), expMonth: Type.Integer(), expYear: Type.Integer() }), Type.Null()]),
    reference: Type.Union([Type.String(), Type.Null()]),
  }),
  shippedAt: Type.Union([IsoInstant, Type.Null()]),
  fraud: Type.Object({
    score: Type.Union([Type.Number(), Type.Null()]),
    reasons: Type.Array(Type.Object({ rule: Type.String(), points: Type.Number(), detail: Type.String() })),
    hold: Type.Boolean(),
  }),
  stage: Type.String(),
  stageEnteredAt: IsoInstant,
  holdFromStage: Type.Union([Type.String(), Type.Null()]),
  allowedMoves: Type.Array(Type.String(), { description: 'Stages this order may be moved to now' }),
  tags: Type.Array(Type.String()),
  customFields: Type.Record(Type.String(), Type.String()),
  notes: Type.Array(Type.Object({ id: Type.Integer(), actor: Type.String(), body: Type.String(), createdAt: IsoInstant })),
  history: Type.Array(Type.Object({
    id: Type.Integer(), at: IsoInstant, actor: Type.String(), kind: Type.String(),
    from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]), changes: Type.Union([Type.Array(Type.String()), Type.Null()]),
  })),
  version: Type.Integer(),
}, { $id: 'Order' });
export type OrderDto = Static<typeof OrderOut>;

export const OrderListItem = Type.Object({
  id: Type.Integer(), orderId: Type.String(), createdAt: IsoInstant, stage: Type.String(), stageEnteredAt: IsoInstant,
  channel: Type.String(), currency: Type.String(), total: Type.Integer(),
  paidTotal: Type.Integer({ description: 'Money taken so far (refunds do not lower it), in minor units: with total, shows a partly paid order' }),
  customerEmail: Type.String(), customerName: Type.String(),
  paymentMethod: Type.String(), paymentStatus: Type.String(), tags: Type.Array(Type.String()), isTest: Type.Boolean(),
  allowedMoves: Type.Array(Type.String(), { description: 'Stages this order may be moved to now (as on the order detail)' }),
  holdFromStage: Type.Union([Type.String(), Type.Null()], { description: 'For an order in hold: the stage a release returns it to' }),
  fraudScore: Type.Union([Type.Integer(), Type.Null()]),
  paidAt: Type.Union([IsoInstant, Type.Null()]),
  shippedAt: Type.Union([IsoInstant, Type.Null()]),
  shippingCountry: Type.Union([Type.String(), Type.Null()], { description: 'ISO 3166-1 alpha-2 code of the shipping address' }),
}, { $id: 'OrderListItem' });
export type OrderListItemDto = Static<typeof OrderListItem>;
export const OrderPage = Page(Type.Ref('OrderListItem'));

export const OrderIdParams = Type.Object({ orderId: Type.String({ minLength: 1, maxLength: 60 }) });

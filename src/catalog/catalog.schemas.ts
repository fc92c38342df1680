import { Type, type Static } from 'typebox';
import { CurrencyCode, Cursor, ExpectedVersionField, explainedPattern, IsoDate, IsoInstant, Limit, MinorUnits, Page } from '../shared/schemas.js';

/**
 * The SKU names the item in URLs (`/items/:sku`) and in order lines: no whitespace; no "/", which
 * proxies and routers do not agree on even percent-encoded; and not "." or "..", which every URL parser
 * resolves away as a path step (percent-encoded as %2E too). Anything else ("?", "#", "%", a backslash)
 * is addressable percent-encoded (encodeURIComponent), as the Location header writes it.
 */
export const Sku = Type.String({
  minLength: 1, maxLength: 100, description: 'Stock keeping unit, unique; case-sensitive',
  pattern: explainedPattern('^(?!\\.\\.?$)[^\\s/]+$', 'must have no whitespace or "/", and not be "." or "..", so that it can name the item in a URL'),
});
const Description = Type.String({ minLength: 1, maxLength: 500 });
const WeightGrams = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Shipping weight of one unit, in grams' });
const Inventory = Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Units on hand' });

export const CreateItemBody = Type.Object(
  {
    sku: Sku,
    description: Description,
    price: MinorUnits,
    currency: CurrencyCode,
    weightGrams: Type.Optional(WeightGrams),
    shippable: Type.Optional(Type.Boolean({ description: 'Default true; false for downloads, services, gift cards' })),
    preorder: Type.Optional(Type.Boolean({ description: 'Default false; a pre-order item needs expectedDate' })),
    expectedDate: Type.Optional(IsoDate),
    inventory: Type.Optional(Inventory),
  },
  { additionalProperties: false },
);
export type CreateItemInput = Static<typeof CreateItemBody>;

export const UpdateItemBody = Type.Object(
  {
    description: Type.Optional(Description),
    price: Type.Optional(MinorUnits),
    currency: Type.Optional(CurrencyCode),
    weightGrams: Type.Optional(WeightGrams),
    shippable: Type.Optional(Type.Boolean()),
    preorder: Type.Optional(Type.Boolean({ description: 'Setting false also clears expectedDate' })),
    expectedDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    inventory: Type.Optional(Inventory),
    version: ExpectedVersionField,
  },
  { additionalProperties: false, minProperties: 1, description: 'The SKU cannot change: create a new item instead' },
);
export type UpdateItemInput = Static<typeof UpdateItemBody>;

export const CatalogItemOut = Type.Object({
  id: Type.Integer({ description: 'Internal id' }),
  sku: Type.String(),
  description: Type.String(),
  price: Type.Integer({ description: 'Unit price in minor units of currency' }),
  currency: Type.String(),
  weightGrams: Type.Integer(),
  shippable: Type.Boolean(),
  preorder: Type.Boolean(),
  expectedDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  inventory: Type.Integer(),
  waitingPreorders: Type.Optional(Type.Integer({
    description: 'Orders in Pre-ordered with a pre-order line of this SKU; given when one item is read (GET /items/{sku})',
  })),
  version: Type.Integer(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
});
export type CatalogItemDto = Static<typeof CatalogItemOut>;
export const CatalogItemPage = Page(CatalogItemOut);

export const ITEM_SORTS = ['sku', 'id'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

export const ItemListQuery = Type.Object(
  {
    sort: Type.Optional(Type.Enum(ITEM_SORTS, { description: 'Walk order; default sku' })),
    skuPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'SKUs starting with this (case-sensitive)' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text contained in the description (case-insensitive)' })),
    preorder: Type.Optional(Type.Boolean()),
    shippable: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ItemListQueryT = Static<typeof ItemListQuery>;

export const SkuParams = Type.Object({ sku: Sku });

import { Type, type Static } from 'typebox';
import { Cursor, IsoInstant, Limit, MinorUnits } from '../shared/schemas.js';
import { PAYMENT_METHODS, PAYMENT_STATUSES, STAGES } from '../stages/stages.js';

export const SORTS = [
  'created_desc', 'created_asc', 'total_desc', 'total_asc', 'order_id_asc', 'order_id_desc', 'stage_entered_asc', 'stage_entered_desc',
] as const;
export type SearchSort = (typeof SORTS)[number];

/** A value list accepted as `a,b` or repeated (`x=a&x=b`); each item is checked against the closed set. */
const oneOrSeveral = (values: readonly string[], description: string) => {
  const one = `(${values.join('|')})`;
  return Type.Array(Type.String({ pattern: `^${one}(,${one})*$` }), { maxItems: values.length, description });
};
const Text = (description: string, max = 200) => Type.String({ minLength: 1, maxLength: max, description });

const customFieldFilters = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`custom${i + 1}`, Type.Optional(Text(`Custom field ${i + 1}, exact (case-insensitive)`, 500))]),
);

export const SearchOrdersQuery = Type.Object(
  {
    stage: Type.Optional(oneOrSeveral(STAGES, 'One or several stages, comma-separated or repeated')),
    orderId: Type.Optional(Type.String({
      minLength: 1, maxLength: 60, pattern: '^[^*]',
      description: 'Order id prefix (`OD-1004`); with `*` the whole id must match the pattern (`OD-10*5`). Cannot start with `*`.',
    })),
    email: Type.Optional(Text('Customer email, exact (case-insensitive); `@acme.com` (or `acme.com`): every address at that domain or one of its subdomains', 254)),
    name: Type.Optional(Text('Every word must start a first or last name')),
    company: Type.Optional(Text('Company name or its beginning')),
    phone: Type.Optional(Text('Phone in any notation; a national number (no country code) also matches', 40)),
    postalCode: Type.Optional(Text('Postal code; spaces and dashes ignored', 20)),
    country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 code of the billing or shipping address' })),
    sku: Type.Optional(Text('An item SKU, exact (case-insensitive)', 100)),
    paymentMethod: Type.Optional(oneOrSeveral(PAYMENT_METHODS, 'One or several payment methods')),
    paymentStatus: Type.Optional(oneOrSeveral(PAYMENT_STATUSES, 'One or several payment statuses')),
    tag: Type.Optional(Text('A tag, exact (case-insensitive)', 50)),
    ...customFieldFilters,
    createdFrom: Type.Optional(IsoInstant),
    createdTo: Type.Optional(IsoInstant),
    paidFrom: Type.Optional(IsoInstant),
    paidTo: Type.Optional(IsoInstant),
    shippedFrom: Type.Optional(IsoInstant),
    shippedTo: Type.Optional(IsoInstant),
    totalMin: Type.Optional(MinorUnits),
    totalMax: Type.Optional(MinorUnits),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217: only orders in this currency (a total range is in its minor units)' })),
    q: Type.Optional(Text('Free text: every word must begin an order id, name, email, address word, SKU, phone, company or postal code; a postal code or phone number may be typed with spaces, a phone nationally or in E.164; a word starting with @ is an email domain (`@acme.com`: that domain and its subdomains)')),
    sort: Type.Optional(Type.Enum(SORTS, { default: 'created_desc', description: 'stage_entered_*: by time in the current stage (longest waiting first with _asc); needs a stage filter' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type SearchOrdersQueryT = Static<typeof SearchOrdersQuery>;

export const StageCountsOut = Type.Array(Type.Object({
  stage: Type.String(),
  label: Type.String(),
  count: Type.Integer({ minimum: 0 }),
}));
export type StageCountDto = Static<typeof StageCountsOut>[number];

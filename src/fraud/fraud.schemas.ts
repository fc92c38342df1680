import { Type, type Static } from 'typebox';
import { CountryCode, CurrencyCode, Cursor, ExpectedVersionField, IsoInstant, Limit, MinorUnits, Page, ShortText } from '../shared/schemas.js';
import { FRAUD_RULES } from './fraud-settings.js';
import { BLOCK_KINDS } from './fraud-values.js';

const RuleSetting = Type.Object(
  {
    enabled: Type.Boolean(),
    weight: Type.Integer({ minimum: 0, maximum: 100, description: 'Points added when the rule fires' }),
  },
  { additionalProperties: false },
);
const Rules = Type.Object(Object.fromEntries(FRAUD_RULES.map((rule) => [rule, RuleSetting])), { additionalProperties: false });
const VelocityLimit = Type.Object(
  {
    maxOrders: Type.Integer({ minimum: 1, maximum: 1000, description: 'Most orders allowed within the window, this one included' }),
    windowMinutes: Type.Integer({ minimum: 1, maximum: 43_200 }),
  },
  { additionalProperties: false },
);

const settingsProperties = {
  threshold: Type.Integer({ minimum: 1, maximum: 10_000, description: 'Orders scoring this many points or more go to Fraud Review' }),
  rules: Rules,
  totalOverAverage: Type.Object(
    {
      multiplier: Type.Number({ minimum: 1, maximum: 100, description: 'Fires above this many times the trailing average order total of the currency' }),
      minOrders: Type.Integer({ minimum: 1, maximum: 100_000, description: 'The average counts only once it covers this many orders' }),
    },
    { additionalProperties: false },
  ),
  highRiskCountries: Type.Array(Type.String({ pattern: '^[A-Za-z]{2}$' }), { maxItems: 250, description: 'ISO 3166-1 alpha-2 codes' }),
  freeEmailDomains: Type.Array(Type.String({ minLength: 3, maxLength: 253 }), { maxItems: 5000 }),
  velocity: Type.Object({ ip: VelocityLimit, email: VelocityLimit, card: VelocityLimit }, { additionalProperties: false }),
  exemptions: Type.Object(
    {
      trustedEmails: Type.Array(Type.String({ minLength: 3, maxLength: 254 }), { maxItems: 5000, description: 'Addresses, or "@domain" for a whole domain' }),
      exemptIps: Type.Array(Type.String({ minLength: 2, maxLength: 50 }), { maxItems: 1000, description: 'Addresses or CIDR ranges (office networks)' }),
    },
    { additionalProperties: false },
  ),
};

export const PutFraudSettingsBody = Type.Object(
  { ...settingsProperties, version: ExpectedVersionField },
  { additionalProperties: false, description: 'The whole settings; lists are normalised (case, duplicates) on save' },
);
export type PutFraudSettingsInput = Static<typeof PutFraudSettingsBody>;

export const FraudSettingsOut = Type.Object({
  ...settingsProperties,
  version: Type.Integer({ description: 'Version 1 is the built-in defaults' }),
  updatedAt: Type.Union([IsoInstant, Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});
export type FraudSettingsDto = Static<typeof FraudSettingsOut>;

const BlockKind = Type.Enum(BLOCK_KINDS, { description: 'ip, email (or "@domain"), card (vault token or fingerprint) or address (key)' });

const BlockAddress = Type.Object(
  { line1: ShortText(200), postalCode: Type.Optional(ShortText(20)), country: CountryCode },
  { additionalProperties: false, description: 'Blocked by country, postal code and street line' },
);

export const AddBlockBody = Type.Object(
  {
    kind: BlockKind,
    value: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'A card: its vault token (tok_…, as on its order), which blocks the card by fingerprint, or the fingerprint' })),
    address: Type.Optional(BlockAddress),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type AddBlockBodyInput = Static<typeof AddBlockBody>;

export const BlockOut = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  value: Type.String({ description: 'Normalised as the rules compare it' }),
  label: Type.Union([Type.String(), Type.Null()], { description: 'How a card reads ("Visa ····4242, exp 12/31"): brand, last four and expiry only; null for other kinds and older entries' }),
  reason: Type.String(),
  createdAt: IsoInstant,
  createdBy: Type.String(),
});
export type BlockDto = Static<typeof BlockOut>;
export const BlockPage = Page(BlockOut);

export const FRAUD_AUDIT_ACTIONS = ['settings_changed', 'block_added', 'block_removed', 'customer_blocked'] as const;

export const FraudAuditOut = Type.Object({
  id: Type.Integer(),
  at: IsoInstant,
  actor: Type.String(),
  action: Type.Union(FRAUD_AUDIT_ACTIONS.map((a) => Type.Literal(a))),
  detail: Type.Record(Type.String(), Type.Unknown(), { description: 'settings_changed: version, before, after; block_added/removed: the entry; customer_blocked: reason and the entries added' }),
});
export type FraudAuditDto = Static<typeof FraudAuditOut>;
export const FraudAuditPage = Page(FraudAuditOut);

export const FraudAuditQuery = Type.Object(
  { action: Type.Optional(Type.Union(FRAUD_AUDIT_ACTIONS.map((a) => Type.Literal(a)))), cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) },
  { additionalProperties: false },
);

export const BlockListQuery = Type.Object(
  { kind: Type.Optional(BlockKind), cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) },
  { additionalProperties: false },
);

export const BlockIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

const FactsAddress = Type.Object(
  {
    firstName: Type.Optional(ShortText(100)),
    lastName: Type.Optional(ShortText(100)),
    company: Type.Optional(ShortText(200)),
    line1: ShortText(200),
    line2: Type.Optional(ShortText(200)),
    city: Type.Optional(ShortText(100)),
    region: Type.Optional(ShortText(100)),
    postalCode: Type.Optional(ShortText(20)),
    country: CountryCode,
    phone: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const AssessBody = Type.Object(
  {
    currency: CurrencyCode,
    total: MinorUnits,
    email: Type.String({ minLength: 3, maxLength: 254 }),
    ip: Type.Optional(Type.Union([Type.String({ maxLength: 45 }), Type.Null()])),
    billing: FactsAddress,
    shipping: Type.Optional(FactsAddress),
    cardFingerprint: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
    avs: Type.Optional(Type.String({ pattern: '^[A-Za-z]$', description: 'AVS result code, to try the avs_mismatch rule' })),
    cvv: Type.Optional(Type.String({ pattern: '^[A-Za-z]$', description: 'CVV result code, to try the cvv_mismatch rule' })),
  },
  { additionalProperties: false, description: 'An order as the rules see it; shipping defaults to billing. Nothing is recorded.' },
);
export type AssessBodyInput = Static<typeof AssessBody>;

export const AssessmentOut = Type.Object({
  score: Type.Integer(),
  threshold: Type.Integer(),
  hold: Type.Boolean({ description: 'score ≥ threshold: the order would go to Fraud Review' }),
  exemptBy: Type.Union([Type.String(), Type.Null()], { description: 'trusted_customer or exempt_ip; no rule ran' }),
  contributions: Type.Array(Type.Object({ rule: Type.String(), points: Type.Integer(), detail: Type.String() })),
});

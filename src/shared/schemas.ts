import { Type, type TSchema } from 'typebox';

/** Building blocks shared by every area's request/response schemas. */
export const MinorUnits = Type.Integer({ minimum: 0, maximum: 1e13, description: 'Amount in the currency\'s minor units (cents for USD, yen for JPY)' });
export const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code', examples: ['USD'] });
export const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country code', examples: ['US'] });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const IsoInstant = Type.String({ format: 'date-time', description: 'UTC instant, ISO 8601' });
export const IsoDate = Type.String({ format: 'date', description: 'Calendar date, YYYY-MM-DD' });
export const ShortText = (max = 200) => Type.String({ maxLength: max });
/** The `version` an edit was based on, in a PATCH body: the alternative to an If-Match header. */
export const ExpectedVersionField = Type.Optional(Type.Integer({ minimum: 1, description: 'The version you read; alternative to If-Match' }));

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    detail: Type.String(),
    field: Type.Optional(Type.String({ description: 'The offending request field, as a JSON pointer' })),
    allowed: Type.Optional(Type.Array(Type.String())),
    requestId: Type.Optional(Type.String()),
  },
  { $id: 'Problem', description: 'application/problem+json (RFC 9457)' },
);

/** Standard error responses, so every route documents them without repeating itself. */
export function withProblems<R extends Record<number, TSchema>>(responses: R, ...codes: number[]) {
  const out: Record<number, TSchema> = { ...responses };
  for (const code of [400, 401, 403, ...codes]) out[code] = Type.Ref('Problem');
  return out as R;
}

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
  });

export const Cursor = Type.String({ maxLength: 500, description: 'Opaque cursor from the previous page' });
export const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50 });

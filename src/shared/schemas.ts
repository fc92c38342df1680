import { Type, type TSchema } from 'typebox';

/** Building blocks shared by every area's request/response schemas. */
export const MinorUnits = Type.Integer({ minimum: 0, maximum: 1e13, description: 'Amount in the currency\'s minor units (cents for USD, yen for JPY)' });
export const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code', examples: ['USD'] });
export const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country code', examples: ['US'] });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const IsoInstant = Type.String({ format: 'date-time', description: 'UTC instant, ISO 8601' });
export const IsoDate = Type.String({ format: 'date', description: 'Calendar date, YYYY-MM-DD' });

const PATTERN_MESSAGES = new Map<string, string>([['\\S', 'must not be blank']]);
/** A `pattern` whose refusal says `message` ("/sku must …") instead of repeating the expression. */
export function explainedPattern(pattern: string, message: string): string {
  PATTERN_MESSAGES.set(pattern, message);
  return pattern;
}
export const patternMessage = (pattern: string): string | undefined => PATTERN_MESSAGES.get(pattern);

/** Text that may span lines; control characters other than tab and line breaks are refused before validation (request-text.ts). */
export const ShortText = (max = 200) => Type.String({ maxLength: max });
/**
 * One line of text: no tab, line feed, carriage return or Unicode line/paragraph separator. For names,
 * address lines, codes: they are printed on labels, exported to CSV and put in email headers, where a
 * line break is a broken row or an injected header, and typed into a one-line input it is only ever a
 * paste accident. Free text (notes, reasons, descriptions) uses ShortText.
 */
export const SINGLE_LINE = explainedPattern('^[^\\t\\n\\r\\u2028\\u2029]*$', 'must be a single line, without tabs or line breaks');
export const SingleLineText = (max = 200) => Type.String({ maxLength: max, pattern: SINGLE_LINE });
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

import { Type, type Static } from 'typebox';
import { ExpectedVersionField, IsoInstant } from '../shared/schemas.js';

const Scope = Type.String({
  pattern: '^[a-z][a-z0-9-]{0,59}$',
  description: 'The list the view belongs to: "orders" (View All Orders), "review" (Review Orders) or a department path such as "fraud-review"',
});
const Name = Type.String({ minLength: 1, maxLength: 80, description: 'Unique per user and scope; surrounding spaces are dropped' });
const Query = Type.String({ maxLength: 2000, description: 'The URL query string of the search (filters and sort), without the leading "?"' });
const Columns = Type.Array(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,40}$' }), {
  maxItems: 40, uniqueItems: true, description: 'Column keys in display order',
});

export const CreateSavedViewBody = Type.Object(
  {
    scope: Scope,
    name: Name,
    query: Type.Optional(Query),
    columns: Type.Optional(Columns),
  },
  { additionalProperties: false, description: 'query defaults to "" (no filters), columns to [] (the list\'s default columns)' },
);
export type CreateSavedViewInput = Static<typeof CreateSavedViewBody>;

export const UpdateSavedViewBody = Type.Object(
  {
    name: Type.Optional(Name),
    query: Type.Optional(Query),
    columns: Type.Optional(Columns),
    version: ExpectedVersionField,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSavedViewInput = Static<typeof UpdateSavedViewBody>;

export const SavedViewOut = Type.Object({
  id: Type.Integer(),
  scope: Type.String(),
  name: Type.String(),
  query: Type.String(),
  columns: Type.Array(Type.String()),
  version: Type.Integer(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
});
export type SavedViewDto = Static<typeof SavedViewOut>;

export const SavedViewList = Type.Object({
  items: Type.Array(SavedViewOut, { description: 'The caller\'s own views, by scope then name' }),
});

export const SavedViewListQuery = Type.Object(
  { scope: Type.Optional(Scope) },
  { additionalProperties: false },
);

/** For the endpoints that take no query parameters: one sent anyway is refused by name, not ignored. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

export const SavedViewIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

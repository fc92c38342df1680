import { Type, type Static, type TSchema } from 'typebox';
import { Address } from '../orders/orders.schemas.js';
import { Cursor, Email, ExpectedVersionField, IsoInstant, Limit, Page, ShortText, SingleLineText } from '../shared/schemas.js';

const Phone = Type.String({ maxLength: 40, description: 'Any common notation; stored as E.164. Without an address it must start with +' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const CreateCustomerBody = Type.Object(
  {
    email: Email,
    firstName: Type.Optional(SingleLineText(100)),
    lastName: Type.Optional(SingleLineText(100)),
    company: Type.Optional(SingleLineText(200)),
    phone: Type.Optional(Phone),
    billing: Type.Optional(Address),
    shipping: Type.Optional(Address),
  },
  { additionalProperties: false },
);
export type CreateCustomerInput = Static<typeof CreateCustomerBody>;

export const UpdateCustomerBody = Type.Object(
  {
    email: Type.Optional(Email),
    firstName: Type.Optional(SingleLineText(100)),
    lastName: Type.Optional(SingleLineText(100)),
    company: Type.Optional(Nullable(SingleLineText(200))),
    phone: Type.Optional(Nullable(Phone)),
    billing: Type.Optional(Nullable(Address)),
    shipping: Type.Optional(Nullable(Address)),
    version: ExpectedVersionField,
  },
  { additionalProperties: false, minProperties: 1, description: 'null clears an optional field' },
);
export type UpdateCustomerInput = Static<typeof UpdateCustomerBody>;

export const CustomerOut = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  company: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  billing: Type.Union([Address, Type.Null()]),
  shipping: Type.Union([Address, Type.Null()]),
  orderCount: Type.Integer({ description: 'Orders placed with this email; kept by order intake, read-only here' }),
  version: Type.Integer(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
});
export type CustomerDto = Static<typeof CustomerOut>;
export const CustomerPage = Page(CustomerOut);

export const CUSTOMER_SORTS = ['id', 'email'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

export const CustomerListQuery = Type.Object(
  {
    sort: Type.Optional(Type.Enum(CUSTOMER_SORTS, { description: 'Walk order; default id (oldest first)' })),
    emailPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'Emails starting with this (case-insensitive)' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text contained in "first last" name (case-insensitive)' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type CustomerListQueryT = Static<typeof CustomerListQuery>;

export const CustomerIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

import { Type, type Static } from 'typebox';
import { Email, IsoInstant } from '../shared/schemas.js';
import { PERMISSIONS, ROLES } from './permissions.js';

/*
 * Request and response shapes of sign-in, users and API keys. Responses are declared so the
 * serialiser drops anything undeclared: a password or key hash can never leak by accident.
 */

const RoleSchema = Type.Enum(ROLES, { description: 'Role; it decides the permissions of the user' });
const PermissionSchema = Type.Enum(PERMISSIONS);
const Password = Type.String({ minLength: 12, maxLength: 1000, description: 'At least 12 characters' });
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const LoginBody = Type.Object(
  {
    // Not `format: email`: a malformed address gets the same 401 as a wrong one.
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type LoginInput = Static<typeof LoginBody>;

export const SessionUser = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  permissions: Type.Array(Type.String()),
});
export type SessionUserOut = Static<typeof SessionUser>;

export const SessionOut = Type.Object({
  user: SessionUser,
  csrfToken: Type.Union([Type.String(), Type.Null()], { description: 'Echo in X-CSRF-Token on every cookie-authenticated write; null for API keys' }),
});
export type SessionOutT = Static<typeof SessionOut>;

export const UserOut = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  active: Type.Boolean(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
});
export type UserOutT = Static<typeof UserOut>;

export const UserList = Type.Object({ items: Type.Array(UserOut) });

export const CreateUserBody = Type.Object(
  { email: Email, name: Name, role: RoleSchema, password: Password },
  { additionalProperties: false },
);
export type CreateUserInput = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(RoleSchema),
    active: Type.Optional(Type.Boolean({ description: 'false ends the user\'s sessions; their API keys stop working' })),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserInput = Static<typeof UpdateUserBody>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    permissions: Type.Optional(Type.Array(PermissionSchema, { maxItems: 100, uniqueItems: true, description: 'A subset of your own permissions; all of them when left out' })),
  },
  { additionalProperties: false },
);
export type CreateApiKeyInput = Static<typeof CreateApiKeyBody>;

export const ApiKeyCreated = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  key: Type.String({ description: 'The secret; shown only in this response' }),
  prefix: Type.String(),
  permissions: Type.Array(Type.String()),
});

export const ApiKeyOut = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  permissions: Type.Array(Type.String()),
  createdAt: IsoInstant,
  lastUsedAt: Type.Union([IsoInstant, Type.Null()]),
  revokedAt: Type.Union([IsoInstant, Type.Null()]),
  owner: Type.Object({ id: Type.Integer(), email: Type.String(), name: Type.String() }),
});
export type ApiKeyOutT = Static<typeof ApiKeyOut>;

export const ApiKeyList = Type.Object({ items: Type.Array(ApiKeyOut) });

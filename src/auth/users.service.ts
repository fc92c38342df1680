import type { Executor } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { AppError, invalid } from '../shared/errors.js';
import { randomToken, sha256 } from './auth.repository.js';
import { hashPassword } from './password.js';
import { isPermission, isRole, type Permission, ROLE_PERMISSIONS, type Role } from './permissions.js';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export const MIN_PASSWORD = 12;

export async function createUser(db: Executor, input: NewUser, now = Date.now()): Promise<number> {
  if (!isRole(input.role)) throw invalid('/role', `unknown role "${input.role}"`);
  if (input.password.length < MIN_PASSWORD) throw invalid('/password', `a password needs at least ${MIN_PASSWORD} characters`);
  try {
    const row = await db
      .insertInto('users')
      .values({ email: input.email.trim().toLowerCase(), name: input.name.trim(), role: input.role, password_hash: await hashPassword(input.password), active: 1, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', `a user with email ${input.email} exists already`, { field: '/email' });
    throw error;
  }
}

export interface NewApiKey {
  userId: number;
  name: string;
  /** Defaults to everything the owner's role allows. */
  permissions?: string[];
}

/**
 * Issues an API key. The full key is returned once and only its SHA-256 is stored: keys are long
 * random secrets, so a fast hash is safe where a password would need a slow one.
 */
export async function createApiKey(db: Executor, input: NewApiKey, now = Date.now()): Promise<{ id: number; key: string; permissions: Permission[] }> {
  const owner = await db.selectFrom('users').select(['role', 'active']).where('id', '=', input.userId).executeTakeFirst();
  if (!owner || owner.active !== 1 || !isRole(owner.role)) throw invalid('/userId', 'the key owner must be an active user');
  const allowed = ROLE_PERMISSIONS[owner.role];
  const requested = input.permissions ?? [...allowed];
  requested.forEach((p, i) => {
    if (!isPermission(p)) throw invalid(`/permissions/${i}`, `unknown permission "${p}"`);
    if (!allowed.has(p)) throw new AppError('forbidden', `a key cannot hold "${p}", which its owner does not have`, { field: `/permissions/${i}` });
  });
  const prefix = randomToken(6).replace(/[-_]/g, 'x').slice(0, 8);
  const key = `odk_${prefix}_${randomToken(32)}`;
  const row = await db
    .insertInto('api_keys')
    .values({ name: input.name, key_prefix: prefix, key_hash: sha256(key), permissions_json: JSON.stringify(requested), user_id: input.userId, created_at: now, last_used_at: null, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key, permissions: requested as Permission[] };
}

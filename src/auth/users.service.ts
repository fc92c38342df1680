import type { Executor, Trx } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import type { Actor } from '../shared/actor.js';
import { AppError, invalid, notFound } from '../shared/errors.js';
import {
  deleteSessionsOfUser, findUserById, listUserRows, lockActiveAdminIds, lockUserById, randomToken, sha256, updateUserRow,
} from './auth.repository.js';
import type { UserOutT } from './auth.schemas.js';
import type { UserRow } from './auth.table.js';
import { hashPassword } from './password.js';
import { isPermission, isRole, type Permission, ROLE_PERMISSIONS, type Role } from './permissions.js';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export const MIN_PASSWORD = 12;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Spaces at either end do not count: a password of twelve spaces is no password. */
function checkPassword(password: string): void {
  if (password.trim().length < MIN_PASSWORD) throw invalid('/password', `a password needs at least ${MIN_PASSWORD} characters, not counting spaces at either end`);
}

/** A user ready to store: checked, with the password already hashed. */
export interface PreparedUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

/** Checks and hashes before any transaction opens: scrypt takes ~100 ms that no lock should wait for. */
export async function prepareNewUser(input: NewUser): Promise<PreparedUser> {
  if (!isRole(input.role)) throw invalid('/role', `unknown role "${input.role}"`);
  // The CLI and the first start create users without the API's schema: the same rules apply.
  if (!EMAIL.test(input.email.trim())) throw invalid('/email', `"${input.email}" is not an email address`);
  checkPassword(input.password);
  return { email: input.email.trim().toLowerCase(), name: input.name.trim(), role: input.role, passwordHash: await hashPassword(input.password) };
}

const userRow = (user: PreparedUser, now: number) =>
  ({ email: user.email, name: user.name, role: user.role, password_hash: user.passwordHash, active: 1, created_at: now, updated_at: now });

export async function insertUser(db: Executor, user: PreparedUser, now = Date.now()): Promise<number> {
  try {
    const row = await db.insertInto('users').values(userRow(user, now)).returning('id').executeTakeFirstOrThrow();
    return row.id;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', `a user with email ${user.email} exists already`, { field: '/email' });
    throw error;
  }
}

/** Inserts the user unless one with that email exists (a racing insert included); its id, or undefined if not inserted. */
export async function insertUserIfAbsent(db: Executor, user: PreparedUser, now = Date.now()): Promise<number | undefined> {
  const row = await db.insertInto('users').values(userRow(user, now)).onConflict((oc) => oc.column('email').doNothing()).returning('id').executeTakeFirst();
  return row?.id;
}

/** Creates a user without an event: for the first admin and for tests. */
export async function createUser(db: Executor, input: NewUser, now = Date.now()): Promise<number> {
  return insertUser(db, await prepareNewUser(input), now);
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
export async function createApiKey(db: Executor, input: NewApiKey, now = Date.now()): Promise<{ id: number; key: string; prefix: string; permissions: Permission[] }> {
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
  return { id: row.id, key, prefix, permissions: requested as Permission[] };
}

/* Use cases behind /users. Each takes the route's transaction and records an outbox event in it. */

/** Who made a change, as ids only: events never carry names, emails or secrets. */
export const actorRef = (actor: Actor): string => `${actor.kind}:${actor.id}`;

export function toUserOut(row: UserRow): UserOutT {
  return {
    id: row.id, email: row.email, name: row.name, role: row.role as Role, active: row.active === 1,
    createdAt: new Date(row.created_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function listUsers(db: Executor): Promise<UserOutT[]> {
  return (await listUserRows(db)).map(toUserOut);
}

export async function registerUser(trx: Trx, user: PreparedUser, actor: Actor, now = Date.now()): Promise<UserOutT> {
  const id = await insertUser(trx, user, now);
  await enqueueEvent(trx, 'user.created', { type: 'user', id: String(id) }, { userId: id, by: actorRef(actor) }, now);
  return toUserOut((await findUserById(trx, id))!);
}

export interface UserChanges {
  name?: string | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
  /** Hashed by prepareUserChanges, before the transaction. */
  passwordHash?: string | undefined;
}

export async function prepareUserChanges(input: Omit<UserChanges, 'passwordHash'> & { password?: string | undefined }): Promise<UserChanges> {
  const { password, ...rest } = input;
  if (password === undefined) return rest;
  checkPassword(password);
  return { ...rest, passwordHash: await hashPassword(password) };
}

/**
 * Changes a user. Deactivating ends their sessions; a new password ends every session but the
 * caller's own (`keepSessionId`). The last active admin can be neither deactivated nor demoted,
 * or nobody could manage users any more.
 */
export async function updateUser(trx: Trx, id: number, changes: UserChanges, actor: Actor, keepSessionId?: string, now = Date.now()): Promise<UserOutT> {
  const losesAdmin = changes.active === false || (changes.role !== undefined && changes.role !== 'admin');
  // Admins are locked before the target row, in one order for everybody, so racing demotions serialise.
  const activeAdmins = losesAdmin ? await lockActiveAdminIds(trx) : [];
  const user = await lockUserById(trx, id);
  if (!user) throw notFound('user', id);
  if (losesAdmin && activeAdmins.includes(id) && activeAdmins.length <= 1) {
    throw new AppError('conflict', 'this is the last active admin; make another user admin first', { field: changes.active === false ? '/active' : '/role' });
  }

  const set: Parameters<typeof updateUserRow>[2] = {};
  if (changes.name !== undefined && changes.name.trim() !== user.name) set.name = changes.name.trim();
  if (changes.role !== undefined && changes.role !== user.role) set.role = changes.role;
  if (changes.active !== undefined && (changes.active ? 1 : 0) !== user.active) set.active = changes.active ? 1 : 0;
  if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
  const changed = Object.keys(set).map((k) => (k === 'password_hash' ? 'password' : k));
  if (changed.length === 0) return toUserOut(user);

  await updateUserRow(trx, id, { ...set, updated_at: now });
  if (set.active === 0) await deleteSessionsOfUser(trx, id);
  else if (set.password_hash) await deleteSessionsOfUser(trx, id, keepSessionId);
  await enqueueEvent(trx, 'user.updated', { type: 'user', id: String(id) }, { userId: id, changed, by: actorRef(actor) }, now);
  return toUserOut((await findUserById(trx, id))!);
}

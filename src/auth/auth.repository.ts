import { createHash, randomBytes } from 'node:crypto';
import { type Executor, isPostgres, type Trx } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import type { ApiKeyRow, UserRow } from './auth.table.js';

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function findUserById(db: Executor, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findSessionWithUser(db: Executor, token: string, now: number) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id as session_id', 'sessions.csrf_token', 'sessions.expires_at', 'users.id as user_id', 'users.email', 'users.name', 'users.role', 'users.active'])
    .where('sessions.id', '=', sha256(token))
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function findActiveApiKey(db: Executor, key: string): Promise<(ApiKeyRow & { user_active: number; user_role: string }) | undefined> {
  return (await activeApiKeyQuery(db, { hash: sha256(key) })).rows[0];
}
const activeApiKeyQuery = prepared((db, p: { hash: string }) => db
  .selectFrom('api_keys')
  .innerJoin('users', 'users.id', 'api_keys.user_id')
  .selectAll('api_keys')
  .select(['users.active as user_active', 'users.role as user_role'])
  .where('api_keys.key_hash', '=', p.hash)
  .where('api_keys.revoked_at', 'is', null));

/* Sessions: the row id is the SHA-256 of the cookie token, so a leaked table cannot be replayed. */

export async function insertSession(db: Executor, row: { id: string; userId: number; csrfToken: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db.insertInto('sessions').values({ id: row.id, user_id: row.userId, csrf_token: row.csrfToken, created_at: row.createdAt, expires_at: row.expiresAt }).execute();
}

export async function deleteSessionById(db: Executor, id: string): Promise<number | undefined> {
  const row = await db.deleteFrom('sessions').where('id', '=', id).returning('user_id').executeTakeFirst();
  return row?.user_id;
}

/** Ends a user's sessions, optionally sparing one (the caller's own, after changing their password). */
export async function deleteSessionsOfUser(db: Executor, userId: number, except?: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).$if(except !== undefined, (q) => q.where('id', '!=', except!)).execute();
}

export async function deleteExpiredSessionsOfUser(db: Executor, userId: number, now: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<=', now).execute();
}

/* Login failures: one row per failed attempt and per key (`email:…`, `ip:…`), shared by every process. */

/** The newest `limit` failure times for a key since `since`, newest first. */
export async function findRecentLoginFailures(db: Executor, key: string, since: number, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('login_failures').select('at').where('key', '=', key).where('at', '>', since).orderBy('at', 'desc').limit(limit).execute();
  return rows.map((r) => r.at);
}

export async function insertLoginFailures(db: Executor, keys: string[], at: number): Promise<void> {
  await db.insertInto('login_failures').values(keys.map((key) => ({ key, at }))).execute();
}

export async function deleteLoginFailures(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

export async function deleteLoginFailuresBefore(db: Executor, keys: string[], before: number): Promise<void> {
  await db.deleteFrom('login_failures').where('key', 'in', keys).where('at', '<=', before).execute();
}

/* Users */

export async function listUserRows(db: Executor): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('id').execute();
}

/** Locks the row on PostgreSQL; SQLite transactions are already serialised by the single writer. */
export async function lockUserById(trx: Trx, id: number): Promise<UserRow | undefined> {
  return trx.selectFrom('users').selectAll().where('id', '=', id).$if(isPostgres(trx), (q) => q.forUpdate()).executeTakeFirst();
}

/**
 * Locks every active admin, in id order so two concurrent demotions cannot deadlock, and returns
 * their ids; the caller decides while holding the locks whether one more may go.
 */
export async function lockActiveAdminIds(trx: Trx): Promise<number[]> {
  const rows = await trx.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', 1).orderBy('id')
    .$if(isPostgres(trx), (q) => q.forUpdate()).execute();
  return rows.map((r) => r.id);
}

export async function updateUserRow(db: Executor, id: number, set: Partial<Pick<UserRow, 'name' | 'role' | 'active' | 'password_hash' | 'updated_at'>>): Promise<void> {
  await db.updateTable('users').set(set).where('id', '=', id).execute();
}

/* API keys */

export async function listApiKeyRows(db: Executor) {
  return db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .select(['api_keys.id', 'api_keys.name', 'api_keys.key_prefix', 'api_keys.permissions_json', 'api_keys.created_at', 'api_keys.last_used_at', 'api_keys.revoked_at', 'users.id as owner_id', 'users.email as owner_email', 'users.name as owner_name'])
    .orderBy('api_keys.id')
    .execute();
}

/** Marks a key revoked; returns false when it was unknown or revoked already. */
export async function revokeApiKeyRow(db: Executor, id: number, at: number): Promise<boolean> {
  const row = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
  return row !== undefined;
}

export async function apiKeyExists(db: Executor, id: number): Promise<boolean> {
  return (await db.selectFrom('api_keys').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

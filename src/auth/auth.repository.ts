import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../db/database.js';
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
  return db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .selectAll('api_keys')
    .select(['users.active as user_active', 'users.role as user_role'])
    .where('api_keys.key_hash', '=', sha256(key))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}

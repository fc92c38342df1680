import type { Db, Executor, Trx } from '../db/database.js';
import { transact } from '../db/transact.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { notFound } from '../shared/errors.js';
import {
  deleteExpiredSessionsOfUser, deleteSessionById, findUserByEmail, findUserById, insertSession, randomToken, sha256,
} from './auth.repository.js';
import type { SessionOutT, SessionUserOut } from './auth.schemas.js';
import { clearLoginFailures, emailKey, ipKey, loginRetryAfter, recordLoginFailure } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import { isRole, type Permission, type Role, ROLE_PERMISSIONS } from './permissions.js';
import type { Principal } from './principal.js';

export interface SessionSettings {
  loginAttemptsPerWindow: number;
  sessionTtlHours: number;
}

/** Expected outcomes are values; only the route turns them into HTTP. */
export type LoginOutcome =
  | { ok: true; token: string; maxAgeSeconds: number; session: SessionOutT }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number }
  | { ok: false; reason: 'invalid_credentials' };

// An unknown email still pays for one scrypt run, so response time does not tell which emails exist.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomToken()));

export function sessionUser(user: { id: number; email: string; name: string; role: Role }, permissions: Iterable<Permission>): SessionUserOut {
  return { id: user.id, email: user.email, name: user.name, role: user.role, permissions: [...permissions] };
}

/**
 * Signs a user in. It takes the database rather than a transaction because a failed attempt must be
 * recorded even though the attempt fails; the success path opens its own transaction.
 */
export async function logIn(db: Db, input: { email: string; password: string; ip: string }, settings: SessionSettings, now = Date.now()): Promise<LoginOutcome> {
  const keys = [emailKey(input.email), ipKey(input.ip)];
  // Checked before the password, so a locked-out attacker learns nothing even from the right one.
  const retryAfterSeconds = await loginRetryAfter(db, keys, settings.loginAttemptsPerWindow, now);
  if (retryAfterSeconds > 0) return { ok: false, reason: 'rate_limited', retryAfterSeconds };

  const user = await findUserByEmail(db, input.email);
  const passwordOk = await verifyPassword(input.password, user?.password_hash ?? (await dummy()));
  if (!user || !passwordOk || user.active !== 1 || !isRole(user.role)) {
    await recordLoginFailure(db, keys, now);
    return { ok: false, reason: 'invalid_credentials' };
  }
  const role = user.role;

  const token = randomToken(32);
  const csrfToken = randomToken(32);
  const maxAgeSeconds = settings.sessionTtlHours * 3600;
  await transact(db, async (trx) => {
    await deleteExpiredSessionsOfUser(trx, user.id, now);
    await insertSession(trx, { id: sha256(token), userId: user.id, csrfToken, createdAt: now, expiresAt: now + maxAgeSeconds * 1000 });
    await clearLoginFailures(trx, input.email);
    await enqueueEvent(trx, 'auth.login', { type: 'user', id: String(user.id) }, { userId: user.id }, now);
  });
  return { ok: true, token, maxAgeSeconds, session: { user: sessionUser({ ...user, role }, ROLE_PERMISSIONS[role]), csrfToken } };
}

/** Ends the session a cookie token belongs to; a token that matches nothing is already logged out. */
export async function logOut(trx: Trx, token: string, now = Date.now()): Promise<void> {
  const userId = await deleteSessionById(trx, sha256(token));
  if (userId !== undefined) await enqueueEvent(trx, 'auth.logout', { type: 'user', id: String(userId) }, { userId }, now);
}

/** Who the caller is: the user, what this credential may do, and the CSRF token for sessions. */
export async function describeSession(db: Executor, principal: Principal): Promise<SessionOutT> {
  const user = await findUserById(db, principal.userId);
  if (!user || !isRole(user.role)) throw notFound('user', principal.userId);
  return { user: sessionUser({ ...user, role: user.role }, principal.permissions), csrfToken: principal.csrfToken ?? null };
}

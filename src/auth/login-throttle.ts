import type { Executor } from '../db/database.js';
import { deleteLoginFailures, deleteLoginFailuresBefore, findRecentLoginFailures, insertLoginFailures } from './auth.repository.js';

/**
 * Login throttling lives in the database (`login_failures`) rather than in memory, so every process
 * behind a load balancer sees the same count. The window slides: a key is blocked while it has
 * `limit` failures newer than 15 minutes. The check and the insert are not atomic, so parallel
 * guesses can overshoot the limit by the number of concurrent requests, which keeps the bound.
 */
export const LOGIN_WINDOW_MS = 15 * 60_000;

export const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;

/** Seconds until the key may try again, or 0 when it may try now. A limit of 0 turns throttling off. */
export async function loginRetryAfter(db: Executor, keys: string[], limit: number, now: number): Promise<number> {
  if (limit <= 0) return 0;
  let waitMs = 0;
  for (const key of keys) {
    const times = await findRecentLoginFailures(db, key, now - LOGIN_WINDOW_MS, limit);
    // The limit-th newest failure is the one that has to age out before the count drops below the limit.
    const gate = times.length >= limit ? times[limit - 1]! : undefined;
    if (gate !== undefined) waitMs = Math.max(waitMs, gate + LOGIN_WINDOW_MS - now);
  }
  return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
}

export async function recordLoginFailure(db: Executor, keys: string[], now: number): Promise<void> {
  // Rows older than the window can never count again; dropping them here keeps the table small.
  await deleteLoginFailuresBefore(db, keys, now - LOGIN_WINDOW_MS);
  await insertLoginFailures(db, keys, now);
}

export async function clearLoginFailures(db: Executor, email: string): Promise<void> {
  await deleteLoginFailures(db, emailKey(email));
}

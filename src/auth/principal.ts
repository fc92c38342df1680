import type { Actor } from '../shared/actor.js';
import type { Permission } from './permissions.js';

/** Who is calling, resolved once per request from the session cookie or the bearer API key. */
export interface Principal {
  actor: Actor;
  userId: number;
  permissions: ReadonlySet<Permission>;
  via: 'session' | 'api_key';
  /** Set for cookie sessions: cookie-authenticated writes must echo it in X-CSRF-Token. */
  csrfToken?: string;
  /** Stable key for per-principal records such as idempotency keys. */
  key: string;
}

export const can = (p: Principal, permission: Permission): boolean => p.permissions.has(permission);

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findSessionWithUser } from '../auth/auth.repository.js';
import { findActiveApiKeyCached } from '../auth/api-key-cache.js';
import { isRole, type Permission, ROLE_PERMISSIONS } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { type Db, readerOf } from '../db/database.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No authentication: health, login, the OpenAPI document. */
    public?: boolean;
    /** The permission a caller needs; checked before the body is even read. */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'orderdeck_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** last_used_at is bookkeeping; writing it on every call would turn reads into writes. */
const API_KEY_TOUCH_MS = 60_000;

/** The scheme is case-insensitive (RFC 9110): `bearer`, `Bearer` and `BEARER` all carry a key. */
const bearerToken = (request: FastifyRequest): string | undefined => {
  const auth = request.headers.authorization;
  return auth && /^bearer\s/i.test(auth) ? auth.slice(7).trim() : undefined;
};

async function resolvePrincipal(db: Db, writer: Db, request: FastifyRequest): Promise<Principal | null> {
  const now = Date.now();
  const bearer = bearerToken(request);
  if (bearer !== undefined) {
    const key = await findActiveApiKeyCached(db, bearer, now);
    if (!key || key.user_active !== 1 || !isRole(key.user_role)) return null;
    if (!key.last_used_at || now - key.last_used_at > API_KEY_TOUCH_MS) {
      key.last_used_at = now; // the cached row too, so the touch is not repeated on every request
      await writer.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', key.id).execute();
    }
    // A key never exceeds what its owner may do today, even if the owner's role was narrowed later.
    const ownerPermissions = ROLE_PERMISSIONS[key.user_role];
    const scoped = (JSON.parse(key.permissions_json) as Permission[]).filter((p) => ownerPermissions.has(p));
    return {
      actor: { kind: 'api_key', id: String(key.id), name: key.name }, userId: key.user_id, permissions: new Set(scoped), via: 'api_key', key: `api_key:${key.id}`,
    };
  }
  const token = request.cookies?.[SESSION_COOKIE];
  if (!token) return null;
  const session = await findSessionWithUser(db, token, now);
  if (!session || session.active !== 1 || !isRole(session.role)) return null;
  return {
    actor: { kind: 'user', id: String(session.user_id), name: session.name }, userId: session.user_id,
    permissions: ROLE_PERMISSIONS[session.role], via: 'session', csrfToken: session.csrf_token, key: `user:${session.user_id}`,
  };
}

/**
 * Every route is private unless its config says `public`. 401 means "who are you?", 403 means "you
 * may not"; cookie-authenticated writes must also prove they come from our own page (CSRF token).
 */
export function registerAuthentication(app: FastifyInstance, writer: Db) {
  const db = readerOf(writer);
  app.decorateRequest('principal', null);
  // The request budget per client IP (@fastify/rate-limit) is checked by a hook of each route, which runs
  // after this one: a request refused here would never be counted, so wrong keys could be tried without
  // limit. Refusals count against the same budget first (and answer 429 once it is spent).
  const countRefusal = app.hasDecorator('rateLimit') ? app.rateLimit() : undefined;
  const refuse = async (reply: FastifyReply, request: FastifyRequest, status: number, code: string, detail: string, extra: { field?: string } = {}) => {
    await countRefusal?.call(app, request, reply);
    return sendProblem(reply, status, code, detail, extra);
  };
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    // Only the API is private; the docs page and the web app's static files are not.
    const isApi = request.routeOptions.url?.startsWith('/api/v1/') ?? false;
    if (config.public || !isApi) {
      // Public routes may still know the caller (e.g. the session endpoint), but do not require one.
      if (config.public) request.principal = await resolvePrincipal(db, writer, request);
      return;
    }
    const principal = await resolvePrincipal(db, writer, request);
    if (!principal) {
      // An integrator whose key stopped working needs to know it is the key, not the header.
      const why = bearerToken(request) !== undefined
        ? 'the API key is not valid: unknown, revoked, or its user is deactivated'
        : 'sign in, or send "Authorization: Bearer <api key>"';
      return refuse(reply, request, 401, 'unauthenticated', why);
    }
    if (principal.via === 'session' && !SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== principal.csrfToken) {
      return refuse(reply, request, 403, 'csrf_failed', 'missing or wrong X-CSRF-Token header for a cookie-authenticated write', { field: 'X-CSRF-Token' });
    }
    if (config.permission && !principal.permissions.has(config.permission)) {
      return refuse(reply, request, 403, 'forbidden', `this needs the "${config.permission}" permission`);
    }
    request.principal = principal;
  });
}

/** The authenticated caller of a private route (the hook guarantees it is set). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf called on a public route');
  return request.principal;
}

import type { Executor, Trx } from '../db/database.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { AppError, invalid, notFound } from '../shared/errors.js';
import { apiKeyExists, listApiKeyRows, revokeApiKeyRow } from './auth.repository.js';
import type { ApiKeyOutT } from './auth.schemas.js';
import { isPermission, type Permission } from './permissions.js';
import type { Principal } from './principal.js';
import { actorRef, createApiKey } from './users.service.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Who issues a key, for which user, and what they may grant. Over the API that is the caller, for
 * themselves, up to what they hold right now; from the CLI, the operator (a system actor) for a named
 * user, up to that user's role.
 */
export type KeyIssuer = Pick<Principal, 'actor' | 'userId' | 'permissions'>;

/**
 * Issues a key owned by `issuer.userId`, recording who issued it. A key may hold only what the issuer
 * may grant (a scoped key cannot mint a broader one), and defaults to exactly that.
 */
export async function issueApiKey(trx: Trx, issuer: KeyIssuer, input: { name: string; permissions?: string[] | undefined }, now = Date.now()) {
  const requested = input.permissions ?? [...issuer.permissions];
  requested.forEach((p, i) => {
    if (!isPermission(p)) throw invalid(`/permissions/${i}`, `unknown permission "${p}"`);
    if (!issuer.permissions.has(p)) {
      const detail = issuer.actor.kind === 'system' ? `a key cannot hold "${p}", which its owner does not have` : `you cannot grant "${p}", which you do not have yourself`;
      throw new AppError('forbidden', detail, { field: `/permissions/${i}` });
    }
  });
  const name = input.name.trim();
  const { id, key, prefix, permissions } = await createApiKey(trx, { userId: issuer.userId, name, permissions: requested as Permission[] }, now);
  await enqueueEvent(trx, 'api_key.created', { type: 'api_key', id: String(id) }, { apiKeyId: id, ownerId: issuer.userId, by: actorRef(issuer.actor) }, now);
  return { id, name, key, prefix, permissions };
}

export async function listApiKeys(db: Executor): Promise<ApiKeyOutT[]> {
  return (await listApiKeyRows(db)).map((r) => ({
    id: r.id, name: r.name, prefix: r.key_prefix, permissions: JSON.parse(r.permissions_json) as string[],
    createdAt: iso(r.created_at)!, lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at),
    owner: { id: r.owner_id, email: r.owner_email, name: r.owner_name },
  }));
}

/** Revocation is immediate (every request looks the key up) and idempotent: revoking twice is fine. */
export async function revokeApiKey(trx: Trx, id: number, revokedBy: Principal, now = Date.now()): Promise<void> {
  if (await revokeApiKeyRow(trx, id, now)) {
    await enqueueEvent(trx, 'api_key.revoked', { type: 'api_key', id: String(id) }, { apiKeyId: id, by: actorRef(revokedBy.actor) }, now);
  } else if (!(await apiKeyExists(trx, id))) {
    throw notFound('API key', id);
  }
}

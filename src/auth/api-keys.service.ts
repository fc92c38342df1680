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
 * Issues a key owned by the caller. A key may hold only what the caller holds right now (a scoped key
 * cannot mint a broader one), and defaults to exactly that.
 */
export async function issueApiKey(trx: Trx, creator: Principal, input: { name: string; permissions?: string[] | undefined }, now = Date.now()) {
  const requested = input.permissions ?? [...creator.permissions];
  requested.forEach((p, i) => {
    if (!isPermission(p)) throw invalid(`/permissions/${i}`, `unknown permission "${p}"`);
    if (!creator.permissions.has(p)) throw new AppError('forbidden', `you cannot grant "${p}", which you do not have yourself`, { field: `/permissions/${i}` });
  });
  const name = input.name.trim();
  const { id, key, prefix, permissions } = await createApiKey(trx, { userId: creator.userId, name, permissions: requested as Permission[] }, now);
  await enqueueEvent(trx, 'api_key.created', { type: 'api_key', id: String(id) }, { apiKeyId: id, ownerId: creator.userId, by: actorRef(creator.actor) }, now);
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

import { type Executor, isPostgres, type Trx } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import type { SealedCard } from './card-cipher.js';
import type { VaultCardRow, VaultCardsTable } from './vault.table.js';

export async function insertVaultCard(trx: Trx, row: VaultCardsTable): Promise<void> {
  await trx.insertInto('vault_cards').values(row).execute();
}

const findQuery = prepared((db, p: { token: string }) => db.selectFrom('vault_cards').selectAll().where('token', '=', p.token));
export async function findVaultCard(db: Executor, token: string): Promise<VaultCardRow | undefined> {
  return (await findQuery(db, { token })).rows[0];
}

const touchQuery = prepared((db, p: { token: string; now: number }) => db.updateTable('vault_cards').set({ last_used_at: p.now }).where('token', '=', p.token));
/** Sent through executeQuery, so it can travel in a statement batch with the ledger row it goes with. */
export async function touchVaultCard(db: Executor, token: string, now: number): Promise<void> {
  await touchQuery(db, { token, now });
}

export const sealedOf = (row: VaultCardRow): SealedCard => ({ keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext, authTag: row.auth_tag });

/** The keys cards are sealed with; a walk of the (key_id, token) index, so it costs a step per key. */
export async function keyIdsInUse(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('vault_cards').select('key_id').distinct().execute();
  return rows.map((r) => r.key_id);
}

/** The next batch sealed with `keyId`, in token order after `after`; locked on PostgreSQL against a concurrent rotation. */
export async function findCardsSealedWith(trx: Trx, keyId: string, after: string, limit: number): Promise<VaultCardRow[]> {
  const query = trx.selectFrom('vault_cards').selectAll()
    .where('key_id', '=', keyId).where('token', '>', after).orderBy('token').limit(limit);
  return (isPostgres(trx) ? query.forUpdate() : query).execute();
}

/** Replaces a card's ciphertext only if it is still sealed with `fromKeyId`; false when someone moved it first. */
export async function resealVaultCard(trx: Trx, token: string, fromKeyId: string, sealed: SealedCard): Promise<boolean> {
  const result = await trx.updateTable('vault_cards')
    .set({ key_id: sealed.keyId, iv: sealed.iv, ciphertext: sealed.ciphertext, auth_tag: sealed.authTag })
    .where('token', '=', token).where('key_id', '=', fromKeyId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

import { randomUUID } from 'node:crypto';
import { type Executor, isPostgres, type Trx } from '../../db/database.js';
import type { OrderRow } from '../../orders/orders.table.js';
import type { PayLinkRow } from './pay-links.table.js';

export interface NewPayLink {
  orderId: number;
  amountDue: number;
  currency: string;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
}

/**
 * Inserts a link and answers its id. The token embeds the id, so the row is written first with a
 * placeholder hash and the real hash set by `setPayLinkTokenHash` in the same transaction.
 */
export async function insertPayLink(trx: Trx, link: NewPayLink): Promise<number> {
  const row = await trx.insertInto('pay_links').values({
    order_id: link.orderId, token_hash: `pending:${randomUUID()}`, amount_due: link.amountDue, currency: link.currency,
    expires_at: link.expiresAt, created_by: link.createdBy, created_at: link.createdAt, used_at: null, revoked_at: null, attempts: 0,
  }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function setPayLinkTokenHash(trx: Trx, id: number, tokenHash: string): Promise<void> {
  await trx.updateTable('pay_links').set({ token_hash: tokenHash }).where('id', '=', id).execute();
}

/** Revokes the order's links that could still be used; answers how many. */
export async function revokeOpenPayLinks(trx: Trx, orderId: number, now: number): Promise<number> {
  const result = await trx.updateTable('pay_links').set({ revoked_at: now })
    .where('order_id', '=', orderId).where('used_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findPayLink(db: Executor, id: number): Promise<PayLinkRow | undefined> {
  return db.selectFrom('pay_links').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Reads the link and, on PostgreSQL, locks it: two card submissions on one link take turns. */
export async function lockPayLink(trx: Trx, id: number): Promise<PayLinkRow | undefined> {
  const query = trx.selectFrom('pay_links').selectAll().where('id', '=', id);
  return (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
}

export async function countPayLinkAttempt(trx: Trx, id: number): Promise<void> {
  await trx.updateTable('pay_links').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute();
}

export async function markPayLinkUsed(db: Executor, id: number, now: number): Promise<void> {
  await db.updateTable('pay_links').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).execute();
}

export async function listPayLinksOfOrder(db: Executor, orderId: number): Promise<PayLinkRow[]> {
  return db.selectFrom('pay_links').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

/** The orders area looks orders up by number; a link knows its order by id. */
export async function findOrderById(db: Executor, id: number): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

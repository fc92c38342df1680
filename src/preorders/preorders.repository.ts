import type { Executor, Trx } from '../db/database.js';
import type { PreorderReleaseRow } from './preorders.table.js';

export async function insertPreorderRelease(trx: Trx, sku: string, requestedBy: string, now: number): Promise<void> {
  await trx.insertInto('preorder_releases').values({ sku, requested_by: requestedBy, requested_at: now }).execute();
}

/** Releases not walked to the end yet, oldest first. */
export async function listOpenReleases(db: Executor, limit: number): Promise<PreorderReleaseRow[]> {
  return db.selectFrom('preorder_releases').selectAll().where('finished_at', 'is', null).orderBy('id').limit(limit).execute();
}

/**
 * The next orders in Pre-ordered with a pre-order line of `sku` after order id `afterId`, in id order,
 * whose pre-order lines are all available now: each names a catalog item that is no longer a pre-order.
 * A line whose SKU is not in the catalog keeps its order waiting (staff decide those). Only a first
 * sieve: the release checks again under the order's lock.
 */
export async function findReleasableOrders(db: Executor, sku: string, afterId: number, limit: number): Promise<{ id: number; order_number: string }[]> {
  return db.selectFrom('order_items as i')
    .innerJoin('orders as o', 'o.id', 'i.order_id')
    .select(['i.order_id as id', 'o.order_number'])
    .distinct()
    .where('i.sku', '=', sku).where('i.preorder', '=', 1).where('i.order_id', '>', afterId)
    .where('o.stage', '=', 'pre_ordered')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('order_items as w')
      .leftJoin('catalog_items as c', 'c.sku', 'w.sku')
      .select('w.id')
      .whereRef('w.order_id', '=', 'o.id').where('w.preorder', '=', 1)
      .where((e) => e.or([e('c.id', 'is', null), e('c.preorder', '=', 1)])))))
    .orderBy('id').limit(limit).execute();
}

/** The SKUs of the order's pre-order lines that still wait for stock; empty when all are available. */
export async function findWaitingSkus(trx: Trx, orderId: number): Promise<string[]> {
  const rows = await trx.selectFrom('order_items as w')
    .leftJoin('catalog_items as c', 'c.sku', 'w.sku')
    .select('w.sku')
    .where('w.order_id', '=', orderId).where('w.preorder', '=', 1)
    .where((eb) => eb.or([eb('c.id', 'is', null), eb('c.preorder', '=', 1)]))
    .execute();
  return rows.map((r) => r.sku);
}

/** A released order's lines are no longer pre-orders: their items are in stock (findWaitingSkus was empty). */
export async function clearPreorderLines(trx: Trx, orderId: number): Promise<void> {
  await trx.updateTable('order_items').set({ preorder: 0, expected_date: null }).where('order_id', '=', orderId).where('preorder', '=', 1).execute();
}

/** Moves the walk's place forward only: a slower walker of the same release never moves it back. */
export async function saveReleaseProgress(db: Executor, id: number, afterOrderId: number, released: number): Promise<void> {
  await db.updateTable('preorder_releases')
    .set((eb) => ({ after_order_id: afterOrderId, released: eb('released', '+', released) }))
    .where('id', '=', id).where('after_order_id', '<', afterOrderId).execute();
}

export async function finishRelease(db: Executor, id: number, now: number): Promise<void> {
  await db.updateTable('preorder_releases').set({ finished_at: now }).where('id', '=', id).where('finished_at', 'is', null).execute();
}

/** How many orders in Pre-ordered have a pre-order line of this SKU (the catalog page's "waiting" figure). */
export async function countWaitingOrders(db: Executor, sku: string): Promise<number> {
  const row = await db.selectFrom('order_items as i')
    .innerJoin('orders as o', 'o.id', 'i.order_id')
    .select((eb) => eb.fn.count<number>('i.order_id').distinct().as('n'))
    .where('i.sku', '=', sku).where('i.preorder', '=', 1).where('o.stage', '=', 'pre_ordered')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

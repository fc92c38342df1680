import { sql } from 'kysely';
import { type Executor, isPostgres, type Trx } from '../db/database.js';
import type { Term } from '../search/search-terms.js';
import type { Stage } from '../stages/stages.js';
import type { NewOrderItemRow, NewOrderRow, OrderHistoryRow, OrderItemRow, OrderNoteRow, OrderRow, OrdersTable } from './orders.table.js';

/** Stage counters are spread over this many rows per stage (see the migration). */
export const STAGE_COUNT_SLOTS = 16;

export async function nextOrderSequence(trx: Trx): Promise<number> {
  if (isPostgres(trx)) {
    const { rows } = await sql<{ value: number }>`select nextval('order_number_seq')::bigint as value`.execute(trx);
    return rows[0]!.value;
  }
  // SQLite has one writer at a time, so a counter row cannot hand out the same number twice.
  const row = await trx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'order_number')
    .returning('value')
    .executeTakeFirstOrThrow();
  return row.value;
}

export async function insertOrder(trx: Trx, row: NewOrderRow): Promise<number> {
  const { id } = await trx.insertInto('orders').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function insertOrderItems(trx: Trx, items: NewOrderItemRow[]): Promise<void> {
  if (items.length) await trx.insertInto('order_items').values(items).execute();
}

export async function replaceOrderItems(trx: Trx, orderId: number, items: NewOrderItemRow[]): Promise<void> {
  await trx.deleteFrom('order_items').where('order_id', '=', orderId).execute();
  await insertOrderItems(trx, items);
}

export async function insertSearchTerms(trx: Trx, orderId: number, createdAt: number, terms: Term[]): Promise<void> {
  if (!terms.length) return;
  await trx
    .insertInto('order_search_terms')
    .values(terms.map((t) => ({ term: t.term, kind: t.kind, created_at: createdAt, order_id: orderId })))
    .execute();
}

export async function replaceSearchTerms(trx: Trx, orderId: number, createdAt: number, terms: Term[]): Promise<void> {
  await trx.deleteFrom('order_search_terms').where('order_id', '=', orderId).execute();
  await insertSearchTerms(trx, orderId, createdAt, terms);
}

/** Adds `delta` to a stage's count in one of its slots, chosen at random so writers spread out. */
export async function adjustStageCount(trx: Trx, stage: Stage, delta: number): Promise<void> {
  const slot = Math.floor(Math.random() * STAGE_COUNT_SLOTS);
  await trx
    .insertInto('stage_counts')
    .values({ stage, slot, count: delta })
    .onConflict((oc) => oc.columns(['stage', 'slot']).doUpdateSet((eb) => ({ count: eb('stage_counts.count', '+', delta) })))
    .execute();
}

export async function countOrdersByStage(db: Executor): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('stage_counts')
    .select(['stage', (eb) => eb.fn.sum<number>('count').as('count')])
    .groupBy('stage')
    .execute();
  return new Map(rows.map((r) => [r.stage, Number(r.count)]));
}

export async function findOrderByNumber(db: Executor, orderNumber: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('order_number', '=', orderNumber).executeTakeFirst();
}

/** Reads the order and, on PostgreSQL, locks its row until the transaction ends (SQLite already has one writer). */
export async function lockOrderByNumber(trx: Trx, orderNumber: string): Promise<OrderRow | undefined> {
  const query = trx.selectFrom('orders').selectAll().where('order_number', '=', orderNumber);
  return (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
}

/** Updates only if the row still has `version`; returns false when someone else got there first. */
export async function updateOrderRow(
  trx: Trx, id: number, version: number, patch: Partial<Omit<OrdersTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await trx
    .updateTable('orders')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listOrderItems(db: Executor, orderId: number): Promise<OrderItemRow[]> {
  return db.selectFrom('order_items').selectAll().where('order_id', '=', orderId).orderBy('line_no').execute();
}

export async function listOrderNotes(db: Executor, orderId: number): Promise<OrderNoteRow[]> {
  return db.selectFrom('order_notes').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

export async function listOrderHistory(db: Executor, orderId: number): Promise<OrderHistoryRow[]> {
  return db.selectFrom('order_history').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

export async function insertOrderNote(trx: Trx, orderId: number, actor: string, body: string, at: number): Promise<void> {
  await trx.insertInto('order_notes').values({ order_id: orderId, actor, body, created_at: at }).execute();
}

export interface HistoryEntry {
  orderId: number;
  at: number;
  actor: string;
  kind: 'created' | 'stage' | 'updated' | 'note' | 'tags' | 'deleted';
  from?: Stage | null;
  to?: Stage | null;
  reason?: string | null;
  changes?: string[] | null;
}

export async function insertOrderHistory(trx: Trx, e: HistoryEntry): Promise<void> {
  await trx
    .insertInto('order_history')
    .values({
      order_id: e.orderId, at: e.at, actor: e.actor, kind: e.kind, from_stage: e.from ?? null, to_stage: e.to ?? null,
      reason: e.reason ?? null, changes_json: e.changes ? JSON.stringify(e.changes) : null,
    })
    .execute();
}

export async function deleteOrderRow(trx: Trx, orderId: number): Promise<void> {
  await trx.deleteFrom('order_search_terms').where('order_id', '=', orderId).execute();
  await trx.deleteFrom('orders').where('id', '=', orderId).execute();
}

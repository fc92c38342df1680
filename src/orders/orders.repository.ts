import { CompiledQuery, sql } from 'kysely';
import { type Executor, isPostgres, type Trx } from '../db/database.js';
import { prepared, preparedPerCount, preparedPerShape } from '../db/prepared.js';
import type { Term } from '../search/search-terms.js';
import type { Stage } from '../stages/stages.js';
import type { NewOrderItemRow, NewOrderRow, OrderHistoryRow, OrderItemRow, OrderNoteRow, OrderRow, OrdersTable } from './orders.table.js';

/**
 * Stage counts live in several rows per stage, summed on read. On PostgreSQL a writer adds to the slot of
 * its own server process (backend pid modulo this), so concurrent transactions almost never wait on one
 * another's row lock until commit, and two of them never lock the same pair of rows in opposite order.
 * Seeds spread over the same range.
 */
export const STAGE_COUNT_SLOTS = 256;

/** An order's internal id and the sequence value its number is made from. */
export interface OrderIds {
  id: number;
  sequence: number;
}

/**
 * Allocates the next order's id and number before any of its rows is written, so the order and the rows
 * that point at it can be written together (statement-batch.ts). One statement, sent before its first
 * await as `together` requires. PostgreSQL: two sequences, safe across processes. SQLite has one writer at
 * a time: the number is a counter row, and the id the one AUTOINCREMENT would pick (it never reuses the id
 * of a deleted order, and neither does this).
 */
export async function allocateOrderIds(trx: Trx): Promise<OrderIds> {
  const { rows } = await trx.executeQuery<OrderIds>(isPostgres(trx) ? ALLOCATE_PG : ALLOCATE_SQLITE);
  return { id: Number(rows[0]!.id), sequence: Number(rows[0]!.sequence) };
}
const ALLOCATE_PG = CompiledQuery.raw(`select nextval('order_number_seq')::bigint as sequence, nextval('orders_id_seq')::bigint as id`);
const ALLOCATE_SQLITE = CompiledQuery.raw(`update counters set value = value + 1 where name = 'order_number'
  returning value as sequence, (select max(coalesce((select seq from sqlite_sequence where name = 'orders'), 0),
    coalesce((select max(id) from orders), 0)) + 1) as id`);

/** Every column an order is inserted with; the type check keeps it complete. */
const NEW_ORDER_COLUMNS = [
  'order_number', 'channel', 'is_test', 'created_at', 'updated_at', 'currency', 'subtotal', 'discount_total', 'shipping_total',
  'tax_total', 'total', 'refunded_total', 'paid_total', 'authorized_total', 'refund_blocked', 'customer_id', 'customer_email', 'customer_name', 'customer_ip', 'billing_json',
  'shipping_json', 'payment_method', 'payment_status', 'payment_json', 'paid_at', 'shipped_at', 'fraud_score',
  'fraud_reasons_json', 'fraud_hold', 'has_shippable', 'has_preorder', 'stage', 'stage_entered_at', 'hold_from_stage',
  'tags_json', 'custom_fields_json', 'version', 'id',
] as const satisfies readonly (keyof NewOrderRow)[];
type NewOrderValues = { [K in (typeof NEW_ORDER_COLUMNS)[number]]: NewOrderRow[K] };
const _everyOrderColumn: Record<keyof NewOrderRow, unknown> = {} as NewOrderValues;
void _everyOrderColumn;

const pick = <K extends string>(p: Record<string, unknown>, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, p[k]])) as Record<K, never>;

/** Row `i` of a multi-row insert: column `c` takes the placeholder named `c.i`. */
const rowOf = <K extends string>(p: Record<string, unknown>, keys: readonly K[], i: number) =>
  Object.fromEntries(keys.map((k) => [k, p[`${k}.${i}`]])) as Record<K, never>;

const insertOrderQuery = prepared((db, p: NewOrderValues) => db.insertInto('orders').values(pick(p, NEW_ORDER_COLUMNS)));

/** Inserts an order under the id allocateOrderIds gave it. */
export async function insertOrder(trx: Trx, row: NewOrderValues): Promise<void> {
  await insertOrderQuery(trx, row);
}

const ITEM_COLUMNS = [
  'order_id', 'line_no', 'sku', 'description', 'quantity', 'unit_price', 'discount', 'tax', 'shippable', 'preorder',
  'expected_date', 'quantity_shipped', 'quantity_refunded',
] as const satisfies readonly (keyof NewOrderItemRow)[];

const insertItemsQuery = preparedPerCount((db, p: Record<string, unknown>, count) =>
  db.insertInto('order_items').values(Array.from({ length: count }, (_, i) => rowOf(p, ITEM_COLUMNS, i)) as never));

export async function insertOrderItems(trx: Trx, items: NewOrderItemRow[]): Promise<void> {
  if (!items.length) return;
  const args: Record<string, unknown> = {};
  items.forEach((item, i) => {
    for (const c of ITEM_COLUMNS) args[`${c}.${i}`] = item[c] ?? (c === 'quantity_shipped' || c === 'quantity_refunded' ? 0 : null);
  });
  await insertItemsQuery(trx, items.length, args);
}

export async function replaceOrderItems(trx: Trx, orderId: number, items: NewOrderItemRow[]): Promise<void> {
  await trx.deleteFrom('order_items').where('order_id', '=', orderId).execute();
  await insertOrderItems(trx, items);
}

const TERM_COLUMNS = ['term', 'kind'] as const;
const insertTermsQuery = preparedPerCount((db, p: Record<string, unknown>, count) =>
  db.insertInto('order_search_terms').values(Array.from({ length: count }, (_, i) => ({
    ...rowOf(p, TERM_COLUMNS, i), created_at: p.created_at as never, order_id: p.order_id as never,
  }))));

export async function insertSearchTerms(trx: Trx, orderId: number, createdAt: number, terms: Term[]): Promise<void> {
  if (!terms.length) return;
  const args: Record<string, unknown> = { created_at: createdAt, order_id: orderId };
  terms.forEach((t, i) => {
    args[`term.${i}`] = t.term;
    args[`kind.${i}`] = t.kind;
  });
  await insertTermsQuery(trx, terms.length, args);
}

export async function replaceSearchTerms(trx: Trx, orderId: number, createdAt: number, terms: Term[]): Promise<void> {
  await trx.deleteFrom('order_search_terms').where('order_id', '=', orderId).execute();
  await insertSearchTerms(trx, orderId, createdAt, terms);
}

/** Adds `delta` to a stage's count (SQLite has one writer, so one slot will do there). */
export async function adjustStageCount(trx: Trx, stage: Stage, delta: number): Promise<void> {
  await adjustCountQuery(trx, { stage, delta });
}
const adjustCountQuery = prepared((db, p: { stage: string; delta: number }) => db
  .insertInto('stage_counts')
  .values({ stage: p.stage, slot: isPostgres(db) ? sql<number>`pg_backend_pid() % ${sql.lit(STAGE_COUNT_SLOTS)}` : 0, count: p.delta })
  .onConflict((oc) => oc.columns(['stage', 'slot']).doUpdateSet((eb) => ({ count: eb('stage_counts.count', '+', p.delta) }))));

export async function countOrdersByStage(db: Executor): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('stage_counts')
    .select(['stage', (eb) => eb.fn.sum<number>('count').as('count')])
    .groupBy('stage')
    .execute();
  return new Map(rows.map((r) => [r.stage, Number(r.count)]));
}

const findOrderQuery = prepared((db, p: { orderNumber: string }) => db.selectFrom('orders').selectAll().where('order_number', '=', p.orderNumber));
export async function findOrderByNumber(db: Executor, orderNumber: string): Promise<OrderRow | undefined> {
  return (await findOrderQuery(db, { orderNumber })).rows[0];
}

/** Reads the order and, on PostgreSQL, locks its row until the transaction ends (SQLite already has one writer). */
export async function lockOrderByNumber(trx: Trx, orderNumber: string): Promise<OrderRow | undefined> {
  const query = trx.selectFrom('orders').selectAll().where('order_number', '=', orderNumber);
  return (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
}

const updateOrderQuery = preparedPerShape((db, p: Record<string, unknown>, set) => db
  .updateTable('orders')
  .set(set)
  .where('id', '=', p.where_id as number)
  .where('version', '=', p.where_version as number));

/** Updates only if the row still has `version`; returns false when someone else got there first. */
export async function updateOrderRow(
  trx: Trx, id: number, version: number, patch: Partial<Omit<OrdersTable, 'id' | 'version'>>,
): Promise<boolean> {
  const set = { ...patch, version: version + 1 };
  const result = await updateOrderQuery(trx, set, { ...set, where_id: id, where_version: version });
  return Number(result.numAffectedRows) === 1;
}

const itemsQuery = prepared((db, p: { orderId: number }) => db.selectFrom('order_items').selectAll().where('order_id', '=', p.orderId).orderBy('line_no'));
const notesQuery = prepared((db, p: { orderId: number }) => db.selectFrom('order_notes').selectAll().where('order_id', '=', p.orderId).orderBy('id'));
const historyQuery = prepared((db, p: { orderId: number }) => db.selectFrom('order_history').selectAll().where('order_id', '=', p.orderId).orderBy('id'));

export async function listOrderItems(db: Executor, orderId: number): Promise<OrderItemRow[]> {
  return (await itemsQuery(db, { orderId })).rows;
}

export async function listOrderNotes(db: Executor, orderId: number): Promise<OrderNoteRow[]> {
  return (await notesQuery(db, { orderId })).rows;
}

export async function listOrderHistory(db: Executor, orderId: number): Promise<OrderHistoryRow[]> {
  return (await historyQuery(db, { orderId })).rows;
}

/** Writes a note and returns it as stored. */
const insertNoteQuery = prepared((db, p: Omit<OrderNoteRow, 'id'>) => db.insertInto('order_notes')
  .values({ order_id: p.order_id, actor: p.actor, body: p.body, created_at: p.created_at }).returning('id'));

export async function insertOrderNote(trx: Trx, orderId: number, actor: string, body: string, at: number): Promise<OrderNoteRow> {
  const values = { order_id: orderId, actor, body, created_at: at };
  const { rows } = await insertNoteQuery(trx, values);
  return { id: Number(rows[0]!.id), ...values };
}

export interface HistoryEntry {
  orderId: number;
  at: number;
  actor: string;
  kind: 'created' | 'stage' | 'updated' | 'note' | 'tags' | 'deleted' | 'payment';
  from?: Stage | null;
  to?: Stage | null;
  reason?: string | null;
  changes?: string[] | null;
}

type HistoryValues = { order_id: number; at: number; actor: string; kind: string; from_stage: string | null; to_stage: string | null; reason: string | null; changes_json: string | null };
const insertHistoryQuery = prepared((db, p: HistoryValues) => db.insertInto('order_history').values(pick(p, [
  'order_id', 'at', 'actor', 'kind', 'from_stage', 'to_stage', 'reason', 'changes_json',
] as const)).returning('id'));

/** Writes a history row and returns it as stored. */
export async function insertOrderHistory(trx: Trx, e: HistoryEntry): Promise<OrderHistoryRow> {
  const values = {
    order_id: e.orderId, at: e.at, actor: e.actor, kind: e.kind, from_stage: e.from ?? null, to_stage: e.to ?? null,
    reason: e.reason ?? null, changes_json: e.changes ? JSON.stringify(e.changes) : null,
  };
  const { rows } = await insertHistoryQuery(trx, values);
  return { id: rows[0]!.id, ...values };
}

export async function deleteOrderRow(trx: Trx, orderId: number): Promise<void> {
  await trx.deleteFrom('order_search_terms').where('order_id', '=', orderId).execute();
  await trx.deleteFrom('orders').where('id', '=', orderId).execute();
}

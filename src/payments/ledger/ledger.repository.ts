import { type Executor, isPostgres, type Trx } from '../../db/database.js';
import { prepared, preparedPerShape } from '../../db/prepared.js';
import type { OrderRow } from '../../orders/orders.table.js';
import type { LedgerRow, LedgerStatus, NewLedgerRow, PaymentLedgerTable } from './ledger.table.js';

const insertQuery = prepared((db, p: Omit<NewLedgerRow, 'id'>) => db.insertInto('payment_ledger').values({
  order_id: p.order_id, kind: p.kind, amount: p.amount, currency: p.currency, gateway: p.gateway, idempotency_key: p.idempotency_key,
  parent_id: p.parent_id, source_token: p.source_token, status: p.status, gateway_reference: p.gateway_reference,
  decline_code: p.decline_code, message: p.message, avs: p.avs, cvv: p.cvv, actor: p.actor, reason: p.reason,
  details_json: p.details_json, attempts: p.attempts, created_at: p.created_at, resolved_at: p.resolved_at, next_attempt_at: p.next_attempt_at,
}).returning('id'));

type LedgerInsert = Pick<NewLedgerRow, 'order_id' | 'kind' | 'amount' | 'currency' | 'gateway' | 'idempotency_key' | 'status' | 'actor' | 'created_at'>
  & Partial<Omit<NewLedgerRow, 'id'>>;

export async function insertLedgerRow(trx: Executor, row: LedgerInsert): Promise<number> {
  return (await writeLedgerRow(trx, row)).id;
}

/** Inserts and answers the row as stored, so the caller can act on it after commit without reading it back. */
export async function writeLedgerRow(trx: Executor, row: LedgerInsert): Promise<LedgerRow> {
  const values = {
    parent_id: null, source_token: null, gateway_reference: null, decline_code: null, message: null, avs: null, cvv: null, reason: null,
    details_json: null, attempts: 0, resolved_at: null, next_attempt_at: null, ...row,
  };
  const { rows } = await insertQuery(trx, values);
  return { ...values, id: Number(rows[0]!.id) } as LedgerRow;
}

const byIdQuery = prepared((db, p: { id: number }) => db.selectFrom('payment_ledger').selectAll().where('id', '=', p.id));
export async function findLedgerRow(db: Executor, id: number): Promise<LedgerRow | undefined> {
  return (await byIdQuery(db, { id })).rows[0];
}

export async function findLedgerRows(db: Executor, ids: readonly number[]): Promise<LedgerRow[]> {
  return ids.length ? db.selectFrom('payment_ledger').selectAll().where('id', 'in', [...ids]).execute() : [];
}

export async function findLedgerRowByKey(db: Executor, idempotencyKey: string): Promise<LedgerRow | undefined> {
  return db.selectFrom('payment_ledger').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
}

const forOrderQuery = prepared((db, p: { orderId: number }) => db.selectFrom('payment_ledger').selectAll().where('order_id', '=', p.orderId).orderBy('id'));
export async function listLedgerRows(db: Executor, orderId: number): Promise<LedgerRow[]> {
  return (await forOrderQuery(db, { orderId })).rows;
}

/** The row a gateway notification is about: the transaction the gateway named. */
export async function findLedgerRowByReference(db: Executor, gateway: string, reference: string): Promise<LedgerRow | undefined> {
  return db.selectFrom('payment_ledger').selectAll().where('gateway', '=', gateway).where('gateway_reference', '=', reference)
    .orderBy('id').executeTakeFirst();
}

/**
 * Resolves a row only if it is still in one of `from`: whoever resolves first wins, and a second
 * resolution (a late retry, another process's recovery) changes nothing and learns it lost. Sent
 * through executeQuery, so it can travel in a statement batch; RETURNING says whether it won, as a
 * batch reports no affected-row counts.
 */
export async function resolveLedgerRow(
  trx: Executor, id: number, from: readonly LedgerStatus[], patch: Partial<Omit<PaymentLedgerTable, 'id' | 'order_id' | 'idempotency_key'>>,
): Promise<boolean> {
  const args: Record<string, unknown> = { ...patch, where_id: id };
  from.forEach((status, i) => (args[`from_${i}`] = status));
  return (await resolveQuery(trx, patch, args, from.length)).rows.length === 1;
}
/** Compiled per set of columns and per number of statuses it may leave (one placeholder each). */
const resolveQuery = preparedPerShape((db, p: Record<string, unknown>, set, statuses) => db.updateTable('payment_ledger')
  .set(set)
  .where('id', '=', p.where_id as number)
  .where('status', 'in', Array.from({ length: statuses }, (_, i) => p[`from_${i}`] as LedgerStatus))
  .returning('id'));

/** Operations whose outcome nobody knows yet and whose time to ask again has come (recovery's queue). */
export async function listOpenLedgerRows(db: Executor, now: number, limit: number): Promise<LedgerRow[]> {
  return db.selectFrom('payment_ledger').selectAll()
    .where('status', 'in', ['started', 'unknown'])
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at').orderBy('id').limit(limit).execute();
}

/** Reads the order by id and, on PostgreSQL, locks it for the rest of the transaction. */
export async function lockOrderById(trx: Trx, orderId: number): Promise<OrderRow | undefined> {
  return (await lockByIdQuery(trx, { orderId })).rows[0];
}
const lockByIdQuery = prepared((db, p: { orderId: number }) => {
  const query = db.selectFrom('orders').selectAll().where('id', '=', p.orderId);
  return isPostgres(db) ? query.forUpdate() : query;
});

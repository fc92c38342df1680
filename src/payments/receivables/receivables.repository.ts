import { sql } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { DAY_MS } from './ar-schedule.js';
import type { LedgerRow } from '../ledger/ledger.table.js';

/** What the schedule needs of an order in A/R to decide on it without locking it. */
export interface ArCandidateRow {
  id: number;
  order_number: string;
  stage_entered_at: number;
  payment_method: string;
  payment_json: string;
  total: number;
  paid_total: number;
}

/**
 * One keyset page of orders in Accounts Receivable that entered it at or before `enteredBy`, oldest
 * first, through the (stage, stage_entered_at, id) index.
 */
export async function listArOrders(
  db: Executor, after: { enteredAt: number; id: number } | undefined, enteredBy: number, limit: number,
): Promise<ArCandidateRow[]> {
  let query = db.selectFrom('orders')
    .select(['id', 'order_number', 'stage_entered_at', 'payment_method', 'payment_json', 'total', 'paid_total'])
    .where('stage', '=', 'accounts_receivable')
    .where('stage_entered_at', '<=', enteredBy);
  if (after) {
    query = query.where((eb) => eb.or([
      eb('stage_entered_at', '>', after.enteredAt),
      eb.and([eb('stage_entered_at', '=', after.enteredAt), eb('id', '>', after.id)]),
    ]));
  }
  return query.orderBy('stage_entered_at').orderBy('id').limit(limit).execute();
}

/** Which of these idempotency keys the ledger already has. */
export async function findExistingKeys(db: Executor, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom('payment_ledger').select('idempotency_key').where('idempotency_key', 'in', keys).execute();
  return new Set(rows.map((r) => r.idempotency_key));
}

/** Which of these card tokens are in the vault (and so can be charged). */
export async function findVaultedTokens(db: Executor, tokens: string[]): Promise<Set<string>> {
  if (tokens.length === 0) return new Set();
  const rows = await db.selectFrom('vault_cards').select('token').where('token', 'in', [...new Set(tokens)]).execute();
  return new Set(rows.map((r) => r.token));
}

/** A sale or authorization whose outcome is not known yet: a second charge must not race it. */
export const chargeInFlight = (rows: readonly LedgerRow[]): LedgerRow | undefined =>
  rows.find((r) => (r.kind === 'sale' || r.kind === 'authorize') && (r.status === 'started' || r.status === 'unknown' || r.status === 'pending'));

export async function countScheduleRejection(trx: Trx, day: string): Promise<void> {
  await trx.insertInto('ar_days').values({ day, rejected: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet((eb) => ({ rejected: eb('ar_days.rejected', '+', 1) }))).execute();
}

export interface ArRetryFigures {
  day: number;
  currency: string;
  status: string;
  count: number;
  amount: number;
}

/**
 * A/R retries (keys `ar:…`) created in [from, to), counted per UTC day number, currency and status,
 * through the partial index on created_at: only the window is read.
 */
export async function sumArRetries(db: Executor, from: number, to: number): Promise<ArRetryFigures[]> {
  const day = sql<number>`created_at / ${sql.lit(DAY_MS)}`;
  const rows = await db.selectFrom('payment_ledger')
    .select([day.as('day'), 'currency', 'status', (eb) => eb.fn.countAll<number>().as('count'), (eb) => eb.fn.sum<number>('amount').as('amount')])
    .where('idempotency_key', 'like', 'ar:%')
    .where('created_at', '>=', from).where('created_at', '<', to)
    .groupBy([day, 'currency', 'status'])
    .execute();
  return rows.map((r) => ({ day: Number(r.day), currency: r.currency, status: r.status, count: Number(r.count), amount: Number(r.amount) }));
}

export async function listScheduleRejections(db: Executor, fromDay: string): Promise<{ day: string; rejected: number }[]> {
  return db.selectFrom('ar_days').select(['day', 'rejected']).where('day', '>=', fromDay).execute();
}

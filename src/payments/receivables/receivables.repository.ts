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

/** How a payment collected in Accounts Receivable came: a retry (manual or scheduled), a payment-request link, or marked paid. */
export type ArSource = 'retry' | 'pay_link' | 'mark_paid';

export interface ArCollectionFigures {
  day: number;
  currency: string;
  source: ArSource;
  status: string;
  count: number;
  /** Money taken: approved rows only (an approved pay-link authorization counts what its capture took, once captured). */
  amount: number;
}

/**
 * Payments collected for orders in Accounts Receivable, by the ledger rows A/R writes there: retries
 * (`ar:…`), payment-request links (`paylink:…`) and mark paid (`offline:…`); nothing else writes those
 * keys, and each writes them only for an order in A/R. Counted per UTC day number (of the attempt),
 * currency, source and status, through the partial index holding exactly those rows by time (its
 * predicate repeated word for word, so SQLite uses it): only the window is read. Each row is one payment,
 * counted once; a link paid by authorization (authorize card mode) counts its capture, found through the
 * order's ledger index, so the money is neither counted before it is taken nor twice.
 */
export async function sumArCollections(db: Executor, from: number, to: number): Promise<ArCollectionFigures[]> {
  const { rows } = await arCollectionsQuery(from, to).execute(db);
  return rows.map((r) => ({ day: Number(r.day), currency: r.currency, source: r.source, status: r.status, count: Number(r.count), amount: Number(r.amount ?? 0) }));
}

/** sumArCollections' statement, apart so a test can ask the planner about it. */
export function arCollectionsQuery(from: number, to: number) {
  return sql<{ day: number; currency: string; source: ArSource; status: string; count: number; amount: number | null }>`
    select l.created_at / ${sql.lit(DAY_MS)} as day, l.currency as currency,
      case when l.idempotency_key like 'ar:%' then 'retry' when l.idempotency_key like 'paylink:%' then 'pay_link' else 'mark_paid' end as source,
      l.status as status, count(*) as count,
      sum(case when l.status <> 'approved' then 0 when l.kind = 'authorize' then coalesce(c.amount, 0) else l.amount end) as amount
    from payment_ledger l
    left join payment_ledger c on l.kind = 'authorize' and c.order_id = l.order_id and c.parent_id = l.id and c.kind = 'capture' and c.status = 'approved'
    where (l.idempotency_key like 'ar:%' or l.idempotency_key like 'paylink:%' or l.idempotency_key like 'offline:%')
      and l.created_at >= ${from} and l.created_at < ${to}
    group by 1, 2, 3, 4`;
}

export async function listScheduleRejections(db: Executor, fromDay: string): Promise<{ day: string; rejected: number }[]> {
  return db.selectFrom('ar_days').select(['day', 'rejected']).where('day', '>=', fromDay).execute();
}

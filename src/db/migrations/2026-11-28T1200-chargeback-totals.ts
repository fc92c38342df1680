import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';

/*
 * Frozen in time: imports nothing from the application.
 *  - Chargebacks now count as money returned: in an order's refunded total, and a full chargeback makes its
 *    payment status `refunded`. Orders charged back earlier keep the figures stored under the old rule until
 *    their next payment sync; this re-derives them now, for those orders only.
 *
 * The derivation is the payment state's (ledger/payment-state.ts, as of this migration), in SQL over each
 * order's approved ledger rows: paid = sales, captures and offline payments; refunded = refunds, external
 * refunds and chargebacks; with money taken, status is `refunded` when refunded ≥ paid, else `processed`
 * when what is kept (paid − refunded, plus coupons of older A/R sales not on the order's total) covers the
 * total, else `partially_refunded`. An approved chargeback always returns something, so the derivation's
 * other branches (nothing returned, nothing taken) cannot apply here; authorized total and paid-at do not
 * depend on chargebacks and are left as stored. A changed order gets what a payment sync gives it: its
 * version moves on, a `payment` history line says why, and `order.payment_changed` when the status changes.
 *
 * Cost: one pass over the ledger for its chargeback rows (there is no index on kind; at 1.2M ledger rows
 * on SQLite it reads in about a quarter of a second), then per 500 charged-back orders three statements
 * reading only their rows through payment_ledger_order_idx. No order that was never charged back is read
 * or written.
 */
const CHUNK = 500;
const ACTOR = 'system:upgrade Orderdeck upgrade';
const NOTE = 'payment figures re-derived from the ledger: chargebacks now count as money returned';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const charged = await db.selectFrom('payment_ledger').select('order_id').distinct()
    .where('kind', '=', 'chargeback').where('status', '=', 'approved').execute();
  const ids = charged.map((r) => Number(r.order_id)).sort((a, b) => a - b);
  const now = Date.now();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const changes = changedFigures(pg, ids.slice(i, i + CHUNK));
    await sql`insert into order_history (order_id, at, actor, kind, reason)
      select c.id, cast(${now} as bigint), ${ACTOR}, 'payment', ${NOTE} || ' (payment ' || c.was_status || ' → ' || c.status || ')' from ${changes} c`.execute(db);
    const payload = pg
      ? sql`json_build_object('orderId', c.order_number, 'from', c.was_status, 'to', c.status, 'paid', c.paid, 'refunded', c.refunded)::text`
      : sql`json_object('orderId', c.order_number, 'from', c.was_status, 'to', c.status, 'paid', c.paid, 'refunded', c.refunded)`;
    await sql`insert into outbox (topic, aggregate_type, aggregate_id, payload_json, created_at)
      select 'order.payment_changed', 'order', c.order_number, ${payload}, cast(${now} as bigint) from ${changes} c where c.status <> c.was_status`.execute(db);
    await sql`update orders set paid_total = c.paid, refunded_total = c.refunded, payment_status = c.status, version = orders.version + 1, updated_at = ${now}
      from ${changes} c where orders.id = c.id`.execute(db);
  }
}

/** The orders among `ids` whose stored figures differ from their ledger's, with both. */
function changedFigures(pg: boolean, ids: readonly number[]): RawBuilder<unknown> {
  const takes = sql`l.kind in ('sale', 'capture', 'offline_payment')`;
  // payment-state.ts counts a sale's coupon only when it is not part of the order's total (`onOrder`).
  const coupon = pg
    ? sql`case when (cast(l.details_json as jsonb) -> 'coupon' ->> 'onOrder') = 'true' then 0
        else coalesce(cast(cast(l.details_json as jsonb) -> 'coupon' ->> 'amountOff' as bigint), 0) end`
    : sql`case when json_extract(l.details_json, '$.coupon.onOrder') then 0
        else coalesce(json_extract(l.details_json, '$.coupon.amountOff'), 0) end`;
  const figures = sql`select l.order_id,
      sum(case when ${takes} then l.amount else 0 end) as paid,
      sum(case when l.kind in ('refund', 'external_refund', 'chargeback') then l.amount else 0 end) as refunded,
      sum(case when ${takes} and l.details_json like '%"coupon"%' then ${coupon} else 0 end) as conceded
    from payment_ledger l
    where l.status = 'approved' and l.order_id in (${sql.join(ids.map((id) => sql.val(id)))})
    group by l.order_id`;
  const derived = sql`select o.id, o.order_number, o.payment_status as was_status, o.paid_total as was_paid, o.refunded_total as was_refunded,
      f.paid, f.refunded,
      case when f.paid <= 0 or f.refunded <= 0 then o.payment_status
        when f.refunded >= f.paid then 'refunded'
        when f.paid - f.refunded + f.conceded >= o.total then 'processed'
        else 'partially_refunded' end as status
    from orders o join (${figures}) f on f.order_id = o.id`;
  return sql`(select * from (${derived}) d where d.status <> d.was_status or d.paid <> d.was_paid or d.refunded <> d.was_refunded)`;
}

/** Nothing to undo: the old figures were stale, and a payment sync would re-derive these anyway. */
export async function down(): Promise<void> {}

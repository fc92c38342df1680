import { CompiledQuery, sql } from 'kysely';
import type { Db, Trx } from '../db/database.js';
import { STAGE_COUNT_SLOTS } from '../orders/orders.repository.js';
import { randomSlot, type SeedSink, sortedTermRows, tallyCustomers, tallyStages } from './batch.js';
import type { GeneratedOrder } from './generate-orders.js';

type PgType = 'text' | 'bigint' | 'integer';
type Column = readonly [name: string, type: PgType];

const ORDER_COLUMNS: Column[] = [
  ['id', 'bigint'], ['order_number', 'text'], ['channel', 'text'], ['is_test', 'integer'], ['created_at', 'bigint'], ['updated_at', 'bigint'],
  ['currency', 'text'], ['subtotal', 'bigint'], ['discount_total', 'bigint'], ['shipping_total', 'bigint'], ['tax_total', 'bigint'],
  ['total', 'bigint'], ['refunded_total', 'bigint'], ['paid_total', 'bigint'], ['authorized_total', 'bigint'], ['refund_blocked', 'integer'],
  ['customer_id', 'bigint'], ['customer_email', 'text'], ['customer_name', 'text'],
  ['customer_ip', 'text'], ['billing_json', 'text'], ['shipping_json', 'text'], ['payment_method', 'text'], ['payment_status', 'text'],
  ['payment_json', 'text'], ['paid_at', 'bigint'], ['shipped_at', 'bigint'], ['fraud_score', 'integer'], ['fraud_reasons_json', 'text'],
  ['fraud_hold', 'integer'], ['has_shippable', 'integer'], ['has_preorder', 'integer'], ['stage', 'text'], ['stage_entered_at', 'bigint'],
  ['hold_from_stage', 'text'], ['tags_json', 'text'], ['custom_fields_json', 'text'], ['version', 'integer'],
];
const ITEM_COLUMNS: Column[] = [
  ['order_id', 'bigint'], ['line_no', 'integer'], ['sku', 'text'], ['description', 'text'], ['quantity', 'integer'], ['unit_price', 'bigint'],
  ['discount', 'bigint'], ['tax', 'bigint'], ['shippable', 'integer'], ['preorder', 'integer'], ['expected_date', 'text'],
  ['quantity_shipped', 'integer'], ['quantity_refunded', 'integer'],
];
const LEDGER_COLUMNS: Column[] = [
  ['order_id', 'bigint'], ['kind', 'text'], ['amount', 'bigint'], ['currency', 'text'], ['gateway', 'text'], ['idempotency_key', 'text'],
  ['status', 'text'], ['actor', 'text'], ['reason', 'text'], ['created_at', 'bigint'], ['resolved_at', 'bigint'], ['gateway_reference', 'text'],
];

/**
 * INSERT … SELECT FROM unnest(array per column): one statement and one parameter per column
 * however many rows, so PostgreSQL parses once and there is no 65,535-parameter ceiling.
 */
async function insertUnnest<R = unknown>(trx: Trx, table: string, columns: readonly Column[], data: unknown[][], suffix = ''): Promise<R[]> {
  if (!data[0]?.length) return [];
  const names = columns.map(([n]) => n).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const result = await trx.executeQuery<R>(CompiledQuery.raw(`insert into ${table} (${names}) select * from unnest(${arrays}) ${suffix}`, data));
  return result.rows as R[];
}

const columnsOf = (n: number) => Array.from({ length: n }, () => [] as unknown[]);

async function nextValues(trx: Trx, sequenceSql: string, count: number): Promise<number[]> {
  const { rows } = await trx.executeQuery<{ v: number }>(CompiledQuery.raw(`select nextval(${sequenceSql})::bigint as v from generate_series(1, $1)`, [count]));
  return rows.map((r) => Number(r.v)).sort((a, b) => a - b);
}

export function postgresSink(db: Db, actor: string): SeedSink {
  const writeOrders = async (trx: Trx, orders: GeneratedOrder[]): Promise<number> => {
    const tallies = tallyCustomers(orders);
    const c = columnsOf(10);
    for (const [email, t] of tallies) {
      const b = t.order.customer.billing;
      [email, b.firstName, b.lastName, b.company ?? null, b.phone ?? null, t.order.customer.billingJson, t.order.row.shipping_json,
        t.count, t.order.row.created_at, t.lastAt].forEach((v, i) => c[i]!.push(v));
    }
    const customers = await insertUnnest<{ id: number; email: string }>(trx, 'customers', [
      ['email', 'text'], ['first_name', 'text'], ['last_name', 'text'], ['company', 'text'], ['phone', 'text'], ['billing_json', 'text'],
      ['shipping_json', 'text'], ['order_count', 'integer'], ['created_at', 'bigint'], ['updated_at', 'bigint'],
    ], c, `on conflict (email) do update set order_count = customers.order_count + excluded.order_count,
       updated_at = greatest(customers.updated_at, excluded.updated_at) returning id, email`);
    const customerIds = new Map(customers.map((r) => [r.email, Number(r.id)]));

    // Ids come from the table's own sequence so later inserts by the application continue after them.
    const ids = await nextValues(trx, `pg_get_serial_sequence('orders', 'id')`, orders.length);
    const oc = columnsOf(ORDER_COLUMNS.length);
    const ic = columnsOf(ITEM_COLUMNS.length);
    const hc = columnsOf(7);
    const lc = columnsOf(LEDGER_COLUMNS.length);
    orders.forEach((o, n) => {
      const row = { ...o.row, id: ids[n], customer_id: customerIds.get(o.customer.email) } as Record<string, unknown>;
      ORDER_COLUMNS.forEach(([name], i) => oc[i]!.push(row[name] ?? null));
      for (const it of o.items) {
        [ids[n], it.line_no, it.sku, it.description, it.quantity, it.unit_price, it.discount, it.tax, it.shippable, it.preorder,
          it.expected_date ?? null, it.quantity_shipped ?? 0, it.quantity_refunded ?? 0].forEach((v, i) => ic[i]!.push(v));
      }
      for (const h of o.history) [ids[n], h.at, actor, h.kind, h.from, h.to, h.reason].forEach((v, i) => hc[i]!.push(v));
      const e = o.ledger;
      if (e) {
        [ids[n], e.kind, e.amount, o.row.currency, e.gateway, e.key, e.status, actor, e.reason, o.row.created_at, e.resolvedAt, e.reference]
          .forEach((v, i) => lc[i]!.push(v));
      }
    });
    await insertUnnest(trx, 'orders', ORDER_COLUMNS, oc);
    await insertUnnest(trx, 'order_items', ITEM_COLUMNS, ic);
    await insertUnnest(trx, 'order_history', [
      ['order_id', 'bigint'], ['at', 'bigint'], ['actor', 'text'], ['kind', 'text'], ['from_stage', 'text'], ['to_stage', 'text'], ['reason', 'text'],
    ], hc);
    // Money taken or submitted at the storefront: its ledger row, so the order's payment stays derived from the ledger.
    await insertUnnest(trx, 'payment_ledger', LEDGER_COLUMNS, lc);
    const terms = sortedTermRows(orders, ids);
    await insertUnnest(trx, 'order_search_terms', [['term', 'text'], ['kind', 'text'], ['created_at', 'bigint'], ['order_id', 'bigint']], [
      terms.map((t) => t.term), terms.map((t) => t.kind), terms.map((t) => t.createdAt), terms.map((t) => t.orderId),
    ]);
    const stages = [...tallyStages(orders)];
    await insertUnnest(trx, 'stage_counts', [['stage', 'text'], ['slot', 'integer'], ['count', 'bigint']], [
      stages.map(([s]) => s), stages.map(() => randomSlot(STAGE_COUNT_SLOTS)), stages.map(([, n]) => n),
    ], 'on conflict (stage, slot) do update set count = stage_counts.count + excluded.count');
    return customers.length + orders.length + ic[0]!.length + hc[0]!.length + terms.length + stages.length;
  };

  return {
    async insertCatalog(entries, now) {
      await db.transaction().execute((trx) => insertUnnest(trx, 'catalog_items', [
        ['sku', 'text'], ['description', 'text'], ['price', 'bigint'], ['currency', 'text'], ['weight_grams', 'integer'], ['shippable', 'integer'],
        ['preorder', 'integer'], ['expected_date', 'text'], ['inventory', 'integer'], ['created_at', 'bigint'], ['updated_at', 'bigint'],
      ], [
        entries.map((e) => e.sku), entries.map((e) => e.description), entries.map((e) => e.priceUsd), entries.map(() => 'USD'),
        entries.map((e) => e.weightGrams), entries.map((e) => (e.shippable ? 1 : 0)), entries.map((e) => (e.preorder ? 1 : 0)),
        entries.map((e) => e.expectedDate), entries.map((e) => (e.preorder ? 0 : 25 + (e.priceUsd % 500))), entries.map(() => now), entries.map(() => now),
      ], 'on conflict (sku) do nothing'));
    },
    async writeBatch(count, generate) {
      return db.transaction().execute(async (trx) => {
        // nextval is never rolled back, so a failed batch leaves a gap, exactly as a failed createOrder does.
        const sequences = await nextValues(trx, `'order_number_seq'`, count);
        return writeOrders(trx, generate(sequences));
      });
    },
    async close() {
      // After a bulk load, fresh statistics and a visibility map (index-only scans) rather than waiting for autovacuum.
      for (const table of ['customers', 'orders', 'order_items', 'order_history', 'order_search_terms', 'payment_ledger']) {
        await sql`vacuum (analyze) ${sql.table(table)}`.execute(db);
      }
    },
  };
}

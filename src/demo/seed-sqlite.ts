import type SqliteDatabase from 'better-sqlite3';
import { STAGE_COUNT_SLOTS } from '../orders/orders.repository.js';
import { finishBulkLoad, STAGED_TERMS_TABLE, startBulkLoad } from './bulk-load-sqlite.js';
import { randomSlot, type SeedSink, tallyCustomers, tallyStages } from './batch.js';
import { type GeneratedOrder, seedLedgerEntry } from './generate-orders.js';

const ORDER_COLUMNS = [
  'order_number', 'channel', 'is_test', 'created_at', 'updated_at', 'currency', 'subtotal', 'discount_total', 'shipping_total',
  'tax_total', 'total', 'refunded_total', 'paid_total', 'authorized_total', 'refund_blocked', 'customer_email', 'customer_name', 'customer_ip', 'billing_json',
  'shipping_json', 'payment_method', 'payment_status', 'payment_json', 'paid_at', 'shipped_at', 'fraud_score',
  'fraud_reasons_json', 'fraud_hold', 'has_shippable', 'has_preorder', 'stage', 'stage_entered_at', 'hold_from_stage',
  'tags_json', 'custom_fields_json', 'version',
] as const;
const ITEM_COLUMNS = [
  'order_id', 'line_no', 'sku', 'description', 'quantity', 'unit_price', 'discount', 'tax', 'shippable', 'preorder',
  'expected_date', 'quantity_shipped', 'quantity_refunded',
] as const;
const CUSTOMER_COLUMNS = ['email', 'first_name', 'last_name', 'company', 'phone', 'billing_json', 'shipping_json', 'order_count', 'created_at', 'updated_at'];
const HISTORY_COLUMNS = ['order_id', 'at', 'actor', 'kind', 'from_stage', 'to_stage', 'reason'];
const TERM_COLUMNS = ['term', 'kind', 'created_at', 'order_id'];

const fields = (n: number) => Array.from({ length: n }, (_, i) => `value->>${i}`);
/**
 * A whole batch of narrow rows goes in as one JSON array, unpacked by json_each inside SQLite:
 * one call from JavaScript instead of one per row, and SQLite can sort the rows itself.
 */
const insertFromJson = (table: string, columns: readonly string[], select = fields(columns.length), tail = '') =>
  `insert into ${table} (${columns.join(', ')}) select ${select.join(', ')} from json_each(?) ${tail}`;

/**
 * Writes seed batches straight through better-sqlite3 in one transaction per batch; Kysely's
 * per-query path would cost more than the inserts themselves at this volume.
 */
export function sqliteSink(sqlite: SqliteDatabase.Database, actor: string, { bulk = false } = {}): SeedSink {
  if (bulk) startBulkLoad(sqlite);
  const previousCache = sqlite.pragma('cache_size', { simple: true }) as number;
  // A seed touches every index of a large database; a bigger page cache for this run saves re-reads.
  sqlite.pragma('cache_size = -1048576');
  const reserve = sqlite.prepare(`update counters set value = value + ? where name = 'order_number' returning value`).pluck();
  // Explicit ids (above both max(id) and AUTOINCREMENT's high-water mark) let items, history and terms refer to orders without a round trip per row.
  const lastOrderId = sqlite.prepare(
    `select max(coalesce((select max(id) from orders), 0), coalesce((select seq from sqlite_sequence where name = 'orders'), 0))`,
  ).pluck();
  const upsertCustomers = sqlite.prepare(insertFromJson('customers', CUSTOMER_COLUMNS, undefined, `where true
     on conflict (email) do update set order_count = order_count + excluded.order_count, updated_at = max(updated_at, excluded.updated_at)`));
  // Wide rows go through a prepared statement each: re-parsing a 35-field JSON row per column costs more than the call.
  const insertOrder = sqlite.prepare(`insert into orders (id, ${ORDER_COLUMNS.join(', ')}, customer_id)
    values (${['id', ...ORDER_COLUMNS].map(() => '?').join(', ')}, (select id from customers where email = ?))`);
  const insertItem = sqlite.prepare(`insert into order_items (${ITEM_COLUMNS.join(', ')}) values (${ITEM_COLUMNS.map(() => '?').join(', ')})`);
  const insertHistory = sqlite.prepare(`insert into order_history (${HISTORY_COLUMNS.join(', ')}) values (${HISTORY_COLUMNS.map(() => '?').join(', ')})`);
  // Terms are most of the rows: SQLite sorts them by the primary key first, so each B-tree page is visited once.
  const insertTerms = sqlite.prepare(bulk
    ? insertFromJson(STAGED_TERMS_TABLE, TERM_COLUMNS)
    : insertFromJson('order_search_terms', TERM_COLUMNS, undefined, 'order by 1, 2, 3, 4'));
  // Money already taken by the storefront: its ledger row, so the order's paid figures stay derived from the ledger.
  const insertLedger = sqlite.prepare(`insert into payment_ledger (order_id, kind, amount, currency, gateway, idempotency_key, status, actor, reason, attempts, created_at, resolved_at)
    values (?, ?, ?, ?, 'external', ?, 'approved', ?, 'paid at the storefront', 0, ?, ?)`);
  const adjustCount = sqlite.prepare(
    `insert into stage_counts (stage, slot, count) values (?, ?, ?) on conflict (stage, slot) do update set count = count + excluded.count`,
  );
  const insertCatalogItem = sqlite.prepare(
    `insert into catalog_items (sku, description, price, currency, weight_grams, shippable, preorder, expected_date, inventory, created_at, updated_at)
     values (?, ?, ?, 'USD', ?, ?, ?, ?, ?, ?, ?) on conflict (sku) do nothing`,
  );

  const writeOrders = (orders: GeneratedOrder[]): number => {
    const customers: unknown[][] = [];
    for (const [email, t] of tallyCustomers(orders)) {
      const b = t.order.customer.billing;
      customers.push([email, b.firstName, b.lastName, b.company ?? null, b.phone ?? null, t.order.customer.billingJson,
        t.order.row.shipping_json, t.count, t.order.row.created_at, t.lastAt]);
    }
    upsertCustomers.run(JSON.stringify(customers));
    let id = lastOrderId.get() as number;
    let items = 0;
    let history = 0;
    const terms: unknown[][] = [];
    const values: unknown[] = new Array(ORDER_COLUMNS.length + 2);
    for (const o of orders) {
      id += 1;
      const r = o.row as Record<string, unknown>;
      values[0] = id;
      for (let i = 0; i < ORDER_COLUMNS.length; i++) values[i + 1] = r[ORDER_COLUMNS[i]!] ?? null;
      values[ORDER_COLUMNS.length + 1] = o.customer.email;
      insertOrder.run(values);
      for (const it of o.items) {
        insertItem.run(id, it.line_no, it.sku, it.description, it.quantity, it.unit_price, it.discount, it.tax, it.shippable, it.preorder,
          it.expected_date ?? null, it.quantity_shipped ?? 0, it.quantity_refunded ?? 0);
      }
      for (const h of o.history) insertHistory.run(id, h.at, actor, h.kind, h.from, h.to, h.reason);
      const ledger = seedLedgerEntry(o);
      if (ledger) insertLedger.run(id, ledger.kind, ledger.amount, o.row.currency, ledger.key, actor, o.row.created_at, o.row.created_at);
      for (const t of o.terms) terms.push([t.term, t.kind, o.row.created_at, id]);
      items += o.items.length;
      history += o.history.length;
    }
    insertTerms.run(JSON.stringify(terms));
    const stages = tallyStages(orders);
    for (const [stage, n] of stages) adjustCount.run(stage, randomSlot(STAGE_COUNT_SLOTS), n);
    return customers.length + orders.length + items + history + terms.length + stages.size;
  };

  // The counter moves by the whole batch in the same transaction as the orders, like nextOrderSequence per order.
  const batch = sqlite.transaction((count: number, generate: (sequences: readonly number[]) => GeneratedOrder[]) => {
    const last = reserve.get(count) as number;
    const sequences = Array.from({ length: count }, (_, i) => last - count + 1 + i);
    return writeOrders(generate(sequences));
  });

  return {
    async insertCatalog(entries, now) {
      sqlite.transaction(() => {
        for (const e of entries) {
          insertCatalogItem.run(e.sku, e.description, e.priceUsd, e.weightGrams, e.shippable ? 1 : 0, e.preorder ? 1 : 0, e.expectedDate,
            e.preorder ? 0 : 25 + (e.priceUsd % 500), now, now);
        }
      })();
    },
    async writeBatch(count, generate) {
      return batch.immediate(count, generate);
    },
    async close() {
      if (bulk) finishBulkLoad(sqlite);
      sqlite.pragma(`cache_size = ${previousCache}`);
    },
  };
}

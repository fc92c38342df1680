import { buildDemoPools, type CatalogEntry } from './demo-pools.js';
import { type GeneratedOrder, OrderGenerator } from './generate-orders.js';
import { Rng } from './random.js';
import { type SortedTerms, TermCollector } from './term-sort.js';

/**
 * Generated orders as flat value arrays in column order (row after row), the shape SQLite binds from
 * and cheap to copy from the generating worker to the inserting thread. Each table's rows come in
 * chunks of at most MAX_PARAMS values: one multi-row INSERT each, and small enough for V8's young
 * generation (a single array per table would be a large object, costly to allocate and collect).
 * Columns that refer to an order (order_id) hold the order's run index until the writer, which owns
 * the ids, replaces it.
 */
export const MAX_PARAMS = 8000;
export type Chunks = unknown[][];
export const ORDER_COLUMNS = [
  'order_number', 'channel', 'is_test', 'created_at', 'updated_at', 'currency', 'subtotal', 'discount_total', 'shipping_total',
  'tax_total', 'total', 'refunded_total', 'paid_total', 'authorized_total', 'refund_blocked', 'customer_email', 'customer_name', 'customer_ip', 'billing_json',
  'shipping_json', 'payment_method', 'payment_status', 'payment_json', 'paid_at', 'shipped_at', 'fraud_score',
  'fraud_reasons_json', 'fraud_hold', 'has_shippable', 'has_preorder', 'stage', 'stage_entered_at', 'hold_from_stage',
  'tags_json', 'custom_fields_json', 'version',
] as const;
/** An encoded order row: the id slot, ORDER_COLUMNS, then the customer's e-mail (the writer puts customer_id there). */
export const ORDER_WIDTH = ORDER_COLUMNS.length + 2;
export const ORDER_CREATED_AT = 1 + ORDER_COLUMNS.indexOf('created_at');
export const ITEM_COLUMNS = [
  'order_id', 'line_no', 'sku', 'description', 'quantity', 'unit_price', 'discount', 'tax', 'shippable', 'preorder',
  'expected_date', 'quantity_shipped', 'quantity_refunded',
] as const;
export const CUSTOMER_COLUMNS = ['email', 'first_name', 'last_name', 'company', 'phone', 'billing_json', 'shipping_json', 'order_count', 'created_at', 'updated_at'] as const;
/** The actor column is a constant the writer supplies. */
export const HISTORY_COLUMNS = ['order_id', 'at', 'kind', 'from_stage', 'to_stage', 'reason'] as const;
export const LEDGER_COLUMNS = [
  'order_id', 'kind', 'amount', 'currency', 'idempotency_key', 'created_at', 'resolved_at', 'gateway', 'status', 'gateway_reference', 'reason',
] as const;

export interface EncodedBatch {
  /** Run index of the first order; the batch holds orders start … start + count - 1. */
  start: number;
  count: number;
  customers: Chunks;
  orders: Chunks;
  items: Chunks;
  history: Chunks;
  ledger: Chunks;
  stages: [stage: string, count: number][];
  /** This batch's terms, sorted; absent when the whole run's terms come sorted at the end. */
  terms?: SortedTerms;
}

export type SeedMessage =
  | { kind: 'catalog'; entries: CatalogEntry[] }
  | { kind: 'batch'; batch: EncodedBatch }
  | { kind: 'terms'; terms: SortedTerms };

export interface SeedPlan {
  orders: number;
  batchSize: number;
  seed: number;
  now: number;
  orderNumberPrefix: string;
  /** Order-number sequence of the first order; the run's numbers are reserved up front, one per order. */
  firstSequence: number;
  /** Sort the whole run's terms once at the end (bulk load) instead of batch by batch. */
  termsAtEnd: boolean;
  /** The gateway submitted payments are pending at (GeneratorOptions.gateway). */
  gateway?: string | undefined;
}

/** The seed run as a stream: the catalog, each batch, then (bulk load) every term in key order. */
export function* seedMessages(plan: SeedPlan): Generator<SeedMessage> {
  const pools = buildDemoPools(plan.seed, plan.now, new Rng(plan.seed));
  yield { kind: 'catalog', entries: pools.catalog };
  const generator = new OrderGenerator({ pools, seed: plan.seed, count: plan.orders, now: plan.now, orderNumberPrefix: plan.orderNumberPrefix, gateway: plan.gateway }, plan.firstSequence);
  const runTerms = plan.termsAtEnd ? new TermCollector() : undefined;
  for (let start = 0; start < plan.orders; start += plan.batchSize) {
    const batch = new BatchEncoder(start);
    const terms = runTerms ?? new TermCollector();
    // Each order is encoded as soon as it is generated, so its objects die young (cheap to collect).
    for (let i = start; i < Math.min(start + plan.batchSize, plan.orders); i++) {
      const order = generator.generate(i, plan.firstSequence + i);
      batch.add(i, order);
      terms.add(i, order.terms);
    }
    yield { kind: 'batch', batch: { ...batch.done(), ...(runTerms ? {} : { terms: terms.sorted() }) } };
  }
  if (runTerms) yield { kind: 'terms', terms: runTerms.sorted() };
}

/** One table's rows as chunks of whole rows; `row()` gives the chunk to push the next row's values to. */
class RowChunks {
  readonly chunks: Chunks = [];
  private current: unknown[] = [];
  private readonly limit: number;

  constructor(width: number) {
    this.limit = Math.max(1, Math.floor(MAX_PARAMS / width)) * width;
  }

  row(): unknown[] {
    if (this.chunks.length === 0 || this.current.length >= this.limit) this.chunks.push((this.current = []));
    return this.current;
  }
}

class BatchEncoder {
  private count = 0;
  private readonly customers = new RowChunks(CUSTOMER_COLUMNS.length);
  /** A batch's customers, each once (ON CONFLICT cannot touch the same row twice in one statement). */
  private readonly customerAt = new Map<string, { chunk: unknown[]; at: number }>();
  private readonly orders = new RowChunks(ORDER_WIDTH);
  private readonly items = new RowChunks(ITEM_COLUMNS.length);
  private readonly history = new RowChunks(HISTORY_COLUMNS.length);
  private readonly ledger = new RowChunks(LEDGER_COLUMNS.length);
  private readonly stages = new Map<string, number>();

  constructor(private readonly start: number) {}

  add(index: number, o: GeneratedOrder): void {
    const r = o.row;
    const email = o.customer.email;
    const known = this.customerAt.get(email);
    if (known === undefined) {
      const b = o.customer.billing;
      const chunk = this.customers.row();
      this.customerAt.set(email, { chunk, at: chunk.length });
      chunk.push(email, b.firstName, b.lastName, b.company ?? null, b.phone ?? null, o.customer.billingJson, r.shipping_json, 1, r.created_at, r.created_at);
    } else {
      (known.chunk[known.at + 7] as number) += 1;
      known.chunk[known.at + 9] = r.created_at;
    }
    // Property by property, in ORDER_COLUMNS order: one shape, no lookups by name.
    this.orders.row().push(null, r.order_number, r.channel, r.is_test ?? null, r.created_at, r.updated_at, r.currency, r.subtotal, r.discount_total,
      r.shipping_total, r.tax_total, r.total, r.refunded_total ?? null, r.paid_total ?? null, r.authorized_total ?? null, r.refund_blocked ?? null,
      r.customer_email, r.customer_name, r.customer_ip ?? null, r.billing_json, r.shipping_json, r.payment_method, r.payment_status,
      r.payment_json, r.paid_at ?? null, r.shipped_at ?? null, r.fraud_score ?? null, r.fraud_reasons_json ?? null, r.fraud_hold ?? null,
      r.has_shippable ?? null, r.has_preorder ?? null, r.stage, r.stage_entered_at, r.hold_from_stage ?? null, r.tags_json ?? null,
      r.custom_fields_json ?? null, r.version ?? null, email);
    for (const it of o.items) {
      this.items.row().push(index, it.line_no, it.sku, it.description, it.quantity, it.unit_price, it.discount, it.tax, it.shippable, it.preorder,
        it.expected_date ?? null, it.quantity_shipped ?? 0, it.quantity_refunded ?? 0);
    }
    for (const h of o.history) this.history.row().push(index, h.at, h.kind, h.from, h.to, h.reason);
    const e = o.ledger;
    if (e) this.ledger.row().push(index, e.kind, e.amount, r.currency, e.key, r.created_at, e.resolvedAt, e.gateway, e.status, e.reference, e.reason);
    this.stages.set(r.stage, (this.stages.get(r.stage) ?? 0) + 1);
    this.count += 1;
  }

  done(): EncodedBatch {
    const { start, count } = this;
    return {
      start, count, customers: inKeyOrder(this.customers.chunks, CUSTOMER_COLUMNS.length), orders: this.orders.chunks, items: this.items.chunks, history: this.history.chunks,
      ledger: this.ledger.chunks, stages: [...this.stages],
    };
  }
}

/**
 * A batch's customer rows sorted by e-mail: the upsert then walks the unique e-mail index from one end to
 * the other instead of jumping to a random leaf for every row.
 */
function inKeyOrder(chunks: Chunks, width: number): Chunks {
  const rows: unknown[][] = [];
  for (const chunk of chunks) for (let i = 0; i < chunk.length; i += width) rows.push(chunk.slice(i, i + width));
  rows.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : (a[0] as string) > (b[0] as string) ? 1 : 0));
  const sorted = new RowChunks(width);
  for (const row of rows) sorted.row().push(...row);
  return sorted.chunks;
}

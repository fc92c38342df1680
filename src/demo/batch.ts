import type { Stage } from '../stages/stages.js';
import type { CatalogEntry } from './demo-pools.js';
import type { GeneratedOrder } from './generate-orders.js';

/**
 * What a database-specific writer does for the seeder. `generate` receives the order-number
 * sequence values the writer reserved, so numbering and inserts can share one transaction.
 */
export interface SeedSink {
  insertCatalog(entries: readonly CatalogEntry[], now: number): Promise<void>;
  /** Writes one batch; returns the number of rows inserted or updated. */
  writeBatch(count: number, generate: (sequences: readonly number[]) => GeneratedOrder[]): Promise<number>;
  close(): Promise<void>;
}

export interface CustomerTally {
  order: GeneratedOrder;
  count: number;
  lastAt: number;
}

/** A batch's customers, each once: ON CONFLICT cannot touch the same row twice in one statement. */
export function tallyCustomers(orders: readonly GeneratedOrder[]): Map<string, CustomerTally> {
  const out = new Map<string, CustomerTally>();
  for (const order of orders) {
    const t = out.get(order.customer.email);
    if (t) {
      t.count += 1;
      t.lastAt = order.row.created_at;
    } else out.set(order.customer.email, { order, count: 1, lastAt: order.row.created_at });
  }
  return out;
}

export function tallyStages(orders: readonly GeneratedOrder[]): Map<Stage, number> {
  const out = new Map<Stage, number>();
  for (const o of orders) out.set(o.row.stage as Stage, (out.get(o.row.stage as Stage) ?? 0) + 1);
  return out;
}

export interface TermRow {
  term: string;
  kind: string;
  createdAt: number;
  orderId: number;
}

/**
 * Search-term rows sorted by the table's primary key. They are most of the rows a seed writes;
 * inserting them in key order touches each B-tree page once instead of jumping across the index.
 * Orders are generated in (created_at, id) order, so a stable sort on (term, kind) gives the full key order.
 */
export function sortedTermRows(orders: readonly GeneratedOrder[], ids: readonly number[]): TermRow[] {
  const rows: TermRow[] = [];
  orders.forEach((o, i) => {
    for (const t of o.terms) rows.push({ term: t.term, kind: t.kind, createdAt: o.row.created_at, orderId: ids[i]! });
  });
  return rows.sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

/** The stage_counts slot a batch adds to; random like adjustStageCount so concurrent writers spread out. */
export const randomSlot = (slots: number) => Math.floor(Math.random() * slots);

import type SqliteDatabase from 'better-sqlite3';
import { STAGE_COUNT_SLOTS } from '../orders/orders.repository.js';
import { TERM_KINDS } from '../search/search-terms.js';
import { randomSlot } from './batch.js';
import { buildOrderIndexes, finishBulkLoad, startBulkLoad } from './bulk-load-sqlite.js';
import type { CatalogEntry } from './demo-pools.js';
import {
  type Chunks, CUSTOMER_COLUMNS, type EncodedBatch, MAX_PARAMS, HISTORY_COLUMNS, ITEM_COLUMNS, LEDGER_COLUMNS, ORDER_COLUMNS, ORDER_CREATED_AT, ORDER_WIDTH, type SeedPlan,
} from './seed-batches.js';
import { seedStream } from './seed-source.js';
import type { SortedTerms } from './term-sort.js';

export interface SqliteSeed extends Omit<SeedPlan, 'firstSequence' | 'termsAtEnd'> {
  /** Indexes built after loading, terms inserted once in key order (see bulk-load-sqlite.ts). */
  bulk: boolean;
  onProgress?: ((ordersDone: number, rowsDone: number) => void) | undefined;
}

/** The seed's actor as an SQL literal: a constant, so it is written into the statement instead of bound per row. */
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const values = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;

/**
 * A multi-row INSERT … VALUES per chunk of flat rows (see seed-batches.ts), prepared once per row
 * count: one call binds hundreds of rows where a statement per row would pay the call overhead each time.
 */
function multiRowInsert(sqlite: SqliteDatabase.Database, head: string, row: string, width: number, tail = '') {
  const statements = new Map<number, SqliteDatabase.Statement>();
  const statement = (rows: number) => {
    let s = statements.get(rows);
    if (!s) statements.set(rows, (s = sqlite.prepare(`${head} values ${Array.from({ length: rows }, () => row).join(', ')} ${tail}`)));
    return s;
  };
  /** With a RETURNING tail, `onRow` receives each returned row (raw: an array of the returned columns). */
  return (chunks: Chunks, onRow?: (row: unknown[]) => void): number => {
    let rows = 0;
    for (const chunk of chunks) {
      const s = statement(chunk.length / width);
      if (onRow) for (const returned of s.raw().all(chunk) as unknown[][]) onRow(returned);
      else s.run(chunk);
      rows += chunk.length / width;
    }
    return rows;
  };
}

/**
 * Writes a seed run straight through better-sqlite3, one transaction per batch; Kysely's per-query
 * path would cost more than the inserts themselves at this volume. Generation runs on a worker thread
 * for large runs (seed-source.ts); this thread only binds values.
 */
export async function seedSqlite(sqlite: SqliteDatabase.Database, actor: string, opts: SqliteSeed): Promise<number> {
  // The run's order numbers are reserved up front; a failed run leaves a gap, as a failed createOrder does.
  const last = sqlite.prepare(`update counters set value = value + ? where name = 'order_number' returning value`).pluck().get(opts.orders) as number;
  const plan: SeedPlan = {
    orders: opts.orders, batchSize: opts.batchSize, seed: opts.seed, now: opts.now, orderNumberPrefix: opts.orderNumberPrefix,
    firstSequence: last - opts.orders + 1, termsAtEnd: opts.bulk, gateway: opts.gateway,
  };
  const restore = ['cache_size', 'synchronous', 'foreign_keys', 'temp_store', 'threads'].map((p) => `${p} = ${sqlite.pragma(p, { simple: true }) as number}`);
  // A seed touches every index of a large database; a bigger page cache for this run saves re-reads.
  sqlite.pragma('cache_size = -1048576');
  if (opts.bulk) {
    // A bulk load fills a near-empty database with rows that refer to each other by construction: no commit
    // waits for the disk, and no row looks up its parent. A crash leaves a pending load that finishBulkLoad completes.
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma('foreign_keys = OFF');
    startBulkLoad(sqlite);
  }
  const writer = sqliteWriter(sqlite, actor, opts.orders);
  let rows = 0;
  let done = 0;
  let finished = !opts.bulk;
  try {
    for await (const message of seedStream(plan)) {
      if (message.kind === 'catalog') rows += writer.insertCatalog(message.entries, opts.now);
      else if (message.kind === 'batch') {
        rows += writer.writeBatch(message.batch);
        done += message.batch.count;
        opts.onProgress?.(done, rows);
        if (opts.bulk && done === opts.orders) buildOrderIndexes(sqlite); // while the worker sorts the search terms
      } else {
        sortInFiles(sqlite);
        finishBulkLoad(sqlite, () => writer.insertTerms(message.terms));
        finished = true;
        rows += message.terms.rank.length;
      }
    }
  } finally {
    if (!finished) finishBulkLoad(sqlite); // terms recomputed from the orders that made it
    for (const p of restore) sqlite.pragma(p);
  }
  return rows;
}

/**
 * An index build sorts every row of its table. With temp_store = MEMORY SQLite sorts them all as one
 * in-memory list, which for 15 M search terms (a million orders) is several times slower than sorting
 * runs the size of the page cache (64 MB here, on helper threads: the generating worker is done by
 * then) and merging them from temporary files the operating system keeps cached.
 */
function sortInFiles(sqlite: SqliteDatabase.Database): void {
  sqlite.pragma('temp_store = FILE');
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('threads = 2');
}

function sqliteWriter(sqlite: SqliteDatabase.Database, actor: string, total: number) {
  // Explicit ids (above both max(id) and AUTOINCREMENT's high-water mark) let items, history and terms refer to orders without a round trip per row.
  const lastOrderId = sqlite.prepare(
    `select max(coalesce((select max(id) from orders), 0), coalesce((select seq from sqlite_sequence where name = 'orders'), 0))`,
  ).pluck();
  const upsertCustomers = multiRowInsert(sqlite, `insert into customers (${CUSTOMER_COLUMNS.join(', ')})`, values(CUSTOMER_COLUMNS.length), CUSTOMER_COLUMNS.length,
    `on conflict (email) do update set order_count = order_count + excluded.order_count, updated_at = max(updated_at, excluded.updated_at)
     returning email, id`);
  const insertOrders = multiRowInsert(sqlite, `insert into orders (id, ${ORDER_COLUMNS.join(', ')}, customer_id)`, values(ORDER_WIDTH), ORDER_WIDTH);
  const insertItems = multiRowInsert(sqlite, `insert into order_items (${ITEM_COLUMNS.join(', ')})`, values(ITEM_COLUMNS.length), ITEM_COLUMNS.length);
  const insertHistory = multiRowInsert(sqlite, `insert into order_history (${HISTORY_COLUMNS.join(', ')}, actor)`,
    `(${values(HISTORY_COLUMNS.length).slice(1, -1)}, ${quote(actor)})`, HISTORY_COLUMNS.length);
  // Money taken or submitted at the storefront: its ledger row, so the order's payment stays derived from the ledger.
  const insertLedger = multiRowInsert(sqlite, `insert into payment_ledger (${LEDGER_COLUMNS.join(', ')}, actor, attempts)`,
    `(${values(LEDGER_COLUMNS.length).slice(1, -1)}, ${quote(actor)}, 0)`, LEDGER_COLUMNS.length);
  const insertTermRows = multiRowInsert(sqlite, `insert into order_search_terms (term, kind, created_at, order_id)`, values(4), 4);
  const adjustCount = sqlite.prepare(
    `insert into stage_counts (stage, slot, count) values (?, ?, ?) on conflict (stage, slot) do update set count = count + excluded.count`,
  );
  const insertCatalogItem = sqlite.prepare(
    `insert into catalog_items (sku, description, price, currency, weight_grams, shippable, preorder, expected_date, inventory, created_at, updated_at)
     values (?, ?, ?, 'USD', ?, ?, ?, ?, ?, ?, ?) on conflict (sku) do nothing`,
  );
  // Per order of the run (by run index): its id and creation time, which its search-term rows repeat.
  const ids = new Float64Array(total);
  const createdAt = new Float64Array(total);

  const toIds = (chunks: Chunks, width: number, base: number) => {
    for (const chunk of chunks) for (let i = 0; i < chunk.length; i += width) chunk[i] = (chunk[i] as number) + base;
  };

  // The writer fills in ids, so a batch is one transaction that can follow orders other writers added meanwhile.
  const writeBatch = sqlite.transaction((b: EncodedBatch): number => {
    const base = (lastOrderId.get() as number) + 1 - b.start; // id = run index + base
    let index = b.start;
    for (const chunk of b.orders) {
      for (let i = 0; i < chunk.length; i += ORDER_WIDTH, index++) {
        ids[index] = index + base;
        createdAt[index] = chunk[i + ORDER_CREATED_AT] as number;
        chunk[i] = index + base;
      }
    }
    toIds(b.items, ITEM_COLUMNS.length, base);
    toIds(b.history, HISTORY_COLUMNS.length, base);
    toIds(b.ledger, LEDGER_COLUMNS.length, base);
    // The upsert answers each customer's id, which the orders then carry in place of the e-mail: no look-up per order.
    const customerIds = new Map<string, number>();
    let rows = upsertCustomers(b.customers, (r) => customerIds.set(r[0] as string, r[1] as number));
    for (const chunk of b.orders) {
      for (let i = ORDER_WIDTH - 1; i < chunk.length; i += ORDER_WIDTH) chunk[i] = customerIds.get(chunk[i] as string);
    }
    rows += insertOrders(b.orders);
    rows += insertItems(b.items);
    rows += insertHistory(b.history);
    insertLedger(b.ledger);
    if (b.terms) rows += insertTerms(b.terms);
    for (const [stage, n] of b.stages) adjustCount.run(stage, randomSlot(STAGE_COUNT_SLOTS), n);
    return rows + b.stages.length;
  });

  // Rows arrive in primary-key order, so each B-tree page of the terms table is written once.
  const insertTerms = (t: SortedTerms): number => {
    const chunk = new Array<unknown>(MAX_PARAMS);
    let n = 0;
    for (let i = 0; i < t.rank.length; i++) {
      const r = t.rank[i]!;
      const o = t.order[i]!;
      chunk[n++] = t.terms[r];
      chunk[n++] = TERM_KINDS[t.kinds[r]!];
      chunk[n++] = createdAt[o];
      chunk[n++] = ids[o];
      if (n === MAX_PARAMS) {
        insertTermRows([chunk]);
        n = 0;
      }
    }
    if (n > 0) insertTermRows([chunk.slice(0, n)]);
    return t.rank.length;
  };

  return {
    insertCatalog(entries: readonly CatalogEntry[], now: number): number {
      sqlite.transaction(() => {
        for (const e of entries) {
          insertCatalogItem.run(e.sku, e.description, e.priceUsd, e.weightGrams, e.shippable ? 1 : 0, e.preorder ? 1 : 0, e.expectedDate,
            e.preorder ? 0 : 25 + (e.priceUsd % 500), now, now);
        }
      })();
      return entries.length;
    },
    writeBatch: (b: EncodedBatch): number => writeBatch.immediate(b),
    insertTerms,
  };
}

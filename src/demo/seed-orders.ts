import { clearDayFigures } from '../dashboard/dashboard.repository.js';
import { type Db, isPostgres, sqliteHandleOf } from '../db/database.js';
import { actorLabel } from '../shared/actor.js';
import type { SeedSink } from './batch.js';
import { buildDemoPools } from './demo-pools.js';
import { OrderGenerator } from './generate-orders.js';
import { Rng } from './random.js';
import { postgresSink } from './seed-postgres.js';
import { finishInterruptedSeed } from './bulk-load-sqlite.js';
import { sqliteSink } from './seed-sqlite.js';

export interface SeedOptions {
  orders: number;
  orderNumberPrefix: string;
  /** Orders per transaction. */
  batchSize?: number;
  /** Same seed, same customers, catalog and mix; default 42. */
  seed?: number;
  now?: number;
  onProgress?: (ordersDone: number, rowsDone: number) => void;
  /** SQLite: build indexes after loading. Default: when seeding at least 50,000 orders into a smaller database. */
  bulkLoad?: boolean;
}

export interface SeedResult {
  orders: number;
  rows: number;
  ms: number;
}

/** Seeded orders name the seeder in their history, the way API-placed orders name their key. */
export const SEED_ACTOR = actorLabel({ kind: 'system', id: 'demo-seed', name: 'Demo data' });

/**
 * Adds `orders` demo orders (plus the demo catalog) to a migrated database. Each batch is one
 * transaction that reserves its order numbers, writes orders, items, search terms, history, customer
 * counts and stage counts, so a failed or interrupted run leaves only whole batches behind.
 */
export async function seedOrders(db: Db, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const seed = opts.seed ?? 42;
  const now = opts.now ?? Date.now();
  const batchSize = Math.max(1, opts.batchSize ?? 10_000);
  const pools = buildDemoPools(seed, now, new Rng(seed));
  finishInterruptedSeed(db);
  const sink = openSink(db, opts.bulkLoad ?? await isBulkLoad(db, opts.orders));
  let rows = 0;
  try {
    await sink.insertCatalog(pools.catalog, now);
    rows += pools.catalog.length;
    let generator: OrderGenerator | undefined;
    for (let done = 0; done < opts.orders; ) {
      const count = Math.min(batchSize, opts.orders - done);
      const offset = done;
      rows += await sink.writeBatch(count, (sequences) => {
        generator ??= new OrderGenerator({ pools, seed, count: opts.orders, now, orderNumberPrefix: opts.orderNumberPrefix }, sequences[0]!);
        return sequences.map((sequence, i) => generator!.generate(offset + i, sequence));
      });
      done += count;
      opts.onProgress?.(done, rows);
    }
  } finally {
    await sink.close();
    // Seeded orders land in past days the dashboard may already have summed; even a partial run does.
    await clearDayFigures(db);
  }
  return { orders: opts.orders, rows, ms: performance.now() - started };
}

/** Below this many orders, or into a database already larger than the seed, indexes are kept up row by row. */
const BULK_LOAD_MIN_ORDERS = 50_000;

async function isBulkLoad(db: Db, orders: number): Promise<boolean> {
  if (orders < BULK_LOAD_MIN_ORDERS || isPostgres(db)) return false;
  const existing = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(existing.n) < orders;
}

function openSink(db: Db, bulk: boolean): SeedSink {
  if (isPostgres(db)) return postgresSink(db, SEED_ACTOR); // COPY-like unnest inserts; no bulk mode needed there yet
  const sqlite = sqliteHandleOf(db);
  if (!sqlite) throw new Error('seeding needs a database opened with createDatabase');
  return sqliteSink(sqlite, SEED_ACTOR, { bulk });
}

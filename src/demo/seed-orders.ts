import { clearDayFigures } from '../dashboard/dashboard.repository.js';
import { type Db, isPostgres, sqliteHandleOf } from '../db/database.js';
import { actorLabel } from '../shared/actor.js';
import { finishInterruptedSeed } from './bulk-load-sqlite.js';
import { buildDemoPools } from './demo-pools.js';
import { OrderGenerator } from './generate-orders.js';
import { Rng } from './random.js';
import { postgresSink } from './seed-postgres.js';
import { seedSqlite } from './seed-sqlite.js';

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
  /** The gateway name payments are recorded under (`sandbox` by default): submitted payments are pending there. */
  gateway?: string;
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
 * transaction that writes orders, items, history, customer counts and stage counts (and search terms,
 * except in a SQLite bulk load, which adds them all at the end or derives them after a failure), so a
 * failed or interrupted run leaves only whole batches behind. SQLite reserves the run's order numbers
 * up front, PostgreSQL per batch; either way a failed run leaves a gap, never a duplicate.
 */
export async function seedOrders(db: Db, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const seed = opts.seed ?? 42;
  const now = opts.now ?? Date.now();
  const batchSize = Math.max(1, opts.batchSize ?? 10_000);
  finishInterruptedSeed(db);
  try {
    const rows = isPostgres(db) ? await seedPostgres(db, { ...opts, seed, now, batchSize }) : await seedSqlite(sqliteOf(db), SEED_ACTOR, {
      orders: opts.orders, batchSize, seed, now, orderNumberPrefix: opts.orderNumberPrefix, onProgress: opts.onProgress, gateway: opts.gateway,
      bulk: opts.bulkLoad ?? await isBulkLoad(db, opts.orders),
    });
    return { orders: opts.orders, rows, ms: performance.now() - started };
  } finally {
    // Seeded orders land in past days the dashboard may already have summed; even a partial run does.
    await clearDayFigures(db);
  }
}

function sqliteOf(db: Db) {
  const sqlite = sqliteHandleOf(db);
  if (!sqlite) throw new Error('seeding needs a database opened with createDatabase');
  return sqlite;
}

/** PostgreSQL: generated on this thread, written batch by batch with unnest inserts (seed-postgres.ts). */
async function seedPostgres(db: Db, opts: SeedOptions & { seed: number; now: number; batchSize: number }): Promise<number> {
  const { seed, now, batchSize } = opts;
  const pools = buildDemoPools(seed, now, new Rng(seed));
  const sink = postgresSink(db, SEED_ACTOR);
  let rows = 0;
  try {
    await sink.insertCatalog(pools.catalog, now);
    rows += pools.catalog.length;
    let generator: OrderGenerator | undefined;
    for (let done = 0; done < opts.orders; ) {
      const count = Math.min(batchSize, opts.orders - done);
      const offset = done;
      rows += await sink.writeBatch(count, (sequences) => {
        generator ??= new OrderGenerator({ pools, seed, count: opts.orders, now, orderNumberPrefix: opts.orderNumberPrefix, gateway: opts.gateway }, sequences[0]!);
        return sequences.map((sequence, i) => generator!.generate(offset + i, sequence));
      });
      done += count;
      opts.onProgress?.(done, rows);
    }
  } finally {
    await sink.close();
  }
  return rows;
}

/** Below this many orders, or into a database already larger than the seed, indexes are kept up row by row. */
const BULK_LOAD_MIN_ORDERS = 50_000;

async function isBulkLoad(db: Db, orders: number): Promise<boolean> {
  if (orders < BULK_LOAD_MIN_ORDERS || isPostgres(db)) return false;
  const existing = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(existing.n) < orders;
}

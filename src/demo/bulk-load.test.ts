import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, createDatabase, type Db, sqliteHandleOf } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { termsForOrder } from '../search/search-terms.js';
import { finishInterruptedSeed, startBulkLoad } from './bulk-load-sqlite.js';
import { seedOrders } from './seed-orders.js';

const indexSql = (db: Db) => sqliteHandleOf(db)!.prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null order by name`).all();
const dump = (db: Db, table: string, order: string) => sqliteHandleOf(db)!.prepare(`select * from ${table} order by ${order}`).all();

describe('bulk seeding on SQLite', () => {
  const dirs: string[] = [];
  const open = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderdeck-bulk-'));
    dirs.push(dir);
    const db = createDatabase({ sqlitePath: join(dir, 'o.db') });
    await migrateToLatest(db);
    return db;
  };
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('ends with exactly the rows and indexes a row-by-row seed writes', async () => {
    const [plain, bulk] = [await open(), await open()];
    const now = Date.UTC(2026, 10, 1);
    await seedOrders(plain, { orders: 1500, batchSize: 400, orderNumberPrefix: 'OD-', now, bulkLoad: false });
    await seedOrders(bulk, { orders: 1500, batchSize: 400, orderNumberPrefix: 'OD-', now, bulkLoad: true });
    expect(indexSql(bulk)).toEqual(indexSql(plain));
    for (const [table, order] of [['orders', 'id'], ['order_items', 'id'], ['order_history', 'id'], ['order_search_terms', 'term, kind, created_at, order_id']] as const) {
      expect(dump(bulk, table, order), table).toEqual(dump(plain, table, order));
    }
    // Searches use the rebuilt indexes.
    const plan = sqliteHandleOf(bulk)!.prepare(`explain query plan select id from orders where stage = 'hold' order by created_at desc limit 50`).all();
    expect(JSON.stringify(plan)).toContain('orders_stage_created_idx');
    await closeDatabase(plain);
    await closeDatabase(bulk);
  }, 60_000);

  it('finishes an interrupted bulk load on the next start instead of leaving the database without indexes', async () => {
    const db = await open();
    const before = indexSql(db);
    startBulkLoad(sqliteHandleOf(db)!);
    expect(indexSql(db).length).toBeLessThan(before.length);
    // The process died here. The next start finds the parked index list and rebuilds them.
    expect(finishInterruptedSeed(db)).toBe(true);
    expect(indexSql(db)).toEqual(before);
    expect(finishInterruptedSeed(db)).toBe(false);
    await closeDatabase(db);
  });

  it('derives the search terms of the orders a failed bulk load wrote, and rebuilds the indexes', async () => {
    const db = await open();
    const before = indexSql(db);
    const failing = seedOrders(db, {
      orders: 1500, batchSize: 400, orderNumberPrefix: 'OD-', bulkLoad: true,
      onProgress: (done) => { if (done >= 800) throw new Error('interrupted'); },
    });
    await expect(failing).rejects.toThrow('interrupted');
    expect(indexSql(db)).toEqual(before);
    expect(finishInterruptedSeed(db)).toBe(false);
    const sqlite = sqliteHandleOf(db)!;
    type Row = { id: number; order_number: string; customer_email: string; billing_json: string; shipping_json: string; tags_json: string; custom_fields_json: string; created_at: number };
    const orders = sqlite.prepare(`select * from orders order by id`).all() as Row[];
    expect(orders).toHaveLength(800);
    for (const o of orders.filter((_, i) => i % 23 === 0)) {
      const skus = sqlite.prepare(`select sku from order_items where order_id = ? order by line_no`).pluck().all(o.id) as string[];
      const addresses = o.billing_json === o.shipping_json ? [JSON.parse(o.billing_json)] : [JSON.parse(o.billing_json), JSON.parse(o.shipping_json)];
      const expected = termsForOrder({
        orderNumber: o.order_number, email: o.customer_email, addresses, skus, tags: JSON.parse(o.tags_json), customFields: JSON.parse(o.custom_fields_json),
      }).map((t) => `${t.kind}:${t.term}:${o.created_at}`).sort();
      const stored = (sqlite.prepare(`select kind, term, created_at from order_search_terms where order_id = ?`).all(o.id) as { kind: string; term: string; created_at: number }[])
        .map((t) => `${t.kind}:${t.term}:${t.created_at}`).sort();
      expect(stored, o.order_number).toEqual(expected);
    }
    await closeDatabase(db);
  });
});

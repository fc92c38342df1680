import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { backupDatabase } from '../ops/backup.js';
import { seedOrders } from './seed-orders.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-backup-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('backs up a seeded SQLite file into a copy that opens with the same orders', async () => {
  const db = createDatabase({ sqlitePath: path.join(dir, 'live.sqlite') });
  await migrateToLatest(db);
  await seedOrders(db, { orders: 200, orderNumberPrefix: 'OD-' });
  const out = path.join(dir, 'copy.sqlite');
  const result = await backupDatabase(db, out);
  expect(result).toMatchObject({ ok: true, file: out });
  expect(await backupDatabase(db, out)).toMatchObject({ ok: false }); // never overwrites
  await db.destroy();

  const copy = createDatabase({ sqlitePath: out });
  const orders = await copy.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const terms = await copy.selectFrom('order_search_terms').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  expect(Number(orders.n)).toBe(200);
  expect(Number(terms.n)).toBeGreaterThan(200 * 8);
  expect(await migrateToLatest(copy)).toEqual([]); // already at the latest schema
  await copy.destroy();
});

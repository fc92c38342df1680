import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '../auth/bootstrap-admin.js';
import { closeDatabase, createDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { STAGES } from '../stages/stages.js';
import { createTestDatabase, type DialectName, describeEachDatabase, testDialects } from '../test-support/databases.js';
import { testConfig } from '../test-support/app.js';
import { ABANDONED_CLAIM_MS, DEMO_ORDER_COUNT, seedDemoDataIfEmpty } from './demo-data.js';
import { getArSchedule } from '../payments/receivables/ar-schedule.js';
import { runArSchedule } from '../payments/receivables/run-ar-schedule.js';
import { createPaymentServices } from '../payments/payment-services.js';
import { openVaultKeyring } from '../vault/open-keyring.js';

const log = pino({ level: 'silent' });

describeEachDatabase('seedDemoDataIfEmpty', (get) => {
  it('does nothing when demo data is switched off', async () => {
    const { db } = get();
    await seedDemoDataIfEmpty(db, testConfig({ demoData: false }), log);
    expect(await db.selectFrom('orders').select('id').executeTakeFirst()).toBeUndefined();
  });

  it('fills an empty database with orders in every stage, and only once', async () => {
    const { db } = get();
    await seedDemoDataIfEmpty(db, testConfig({ demoData: true }), log);
    const stages = await db.selectFrom('orders').select(['stage', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('stage').execute();
    expect(new Set(stages.map((s) => s.stage))).toEqual(new Set(STAGES));
    expect(stages.reduce((sum, s) => sum + Number(s.n), 0)).toBe(DEMO_ORDER_COUNT);

    // Its aged A/R orders would be rejected by the retry schedule's first run: the schedule starts switched off.
    expect(await getArSchedule(db)).toMatchObject({ enabled: false, version: 1 });
    expect((await runArSchedule(db, createPaymentServices(openVaultKeyring(testConfig())), {})).rejected).toBe(0);

    await seedDemoDataIfEmpty(db, testConfig({ demoData: true }), log);
    const again = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(again.n)).toBe(DEMO_ORDER_COUNT);
  });
});

describeEachDatabase('seedDemoDataIfEmpty after a server died while seeding', (get) => {
  it('leaves a fresh claim of another server alone, and takes over one abandoned by a server that died while seeding', async () => {
    const { db } = get();
    const now = Date.now();
    const claim = (since: number) => db.insertInto('settings').values({ key: 'demo_data.seeding', value_json: JSON.stringify({ since }) }).execute();
    await claim(now - 60_000);
    expect(await seedDemoDataIfEmpty(db, testConfig({ demoData: true }), log, now)).toBe(false);
    expect(await db.selectFrom('orders').select('id').executeTakeFirst()).toBeUndefined();

    await db.deleteFrom('settings').where('key', '=', 'demo_data.seeding').execute();
    await claim(now - ABANDONED_CLAIM_MS - 1);
    expect(await seedDemoDataIfEmpty(db, testConfig({ demoData: true }), log, now)).toBe(true);
    const seeded = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(seeded.n)).toBe(DEMO_ORDER_COUNT);
    expect(await db.selectFrom('settings').select('key').where('key', '=', 'demo_data.seeding').executeTakeFirst()).toBeUndefined();
  });
});

/** Two handles on one empty, migrated database, as two servers would open it; `close` closes both and removes it. */
async function twoServersDatabase(dialect: DialectName): Promise<{ handles: [Db, Db]; close: () => Promise<void> }> {
  if (dialect === 'postgres') {
    const test = await createTestDatabase('postgres');
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(test.db);
    const other = createDatabase({ databaseUrl: process.env.DATABASE_URL, pgSchema: rows[0]!.schema, pgPoolSize: 4 });
    return { handles: [test.db, other], close: async () => { await other.destroy(); await test.destroy(); } };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-first-start-'));
  const file = path.join(dir, 'orderdeck.sqlite');
  const first = createDatabase({ sqlitePath: file });
  await migrateToLatest(first);
  const second = createDatabase({ sqlitePath: file });
  return {
    handles: [first, second],
    close: async () => {
      await Promise.all([closeDatabase(first), closeDatabase(second)]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

for (const dialect of testDialects()) {
  describe(`first start of two servers on one empty database [${dialect}]`, () => {
    it('creates one admin, prints its password once and seeds one demo set, without an error', async () => {
      const { handles, close } = await twoServersDatabase(dialect);
      try {
        const config = testConfig({ demoData: true, adminEmail: 'owner@example.com' });
        const printed: string[] = [];
        // What prepareInstallation does on each server: the first admin, then demo data on an empty database.
        const start = async (db: Db) => {
          const admin = await bootstrapAdmin(db, config, (line) => printed.push(line));
          return { admin, seeded: await seedDemoDataIfEmpty(db, config, log) };
        };
        const [db] = handles;
        for (const round of [1, 2]) {
          const outcomes = await Promise.all(handles.map(start));
          expect(outcomes.filter((o) => o.admin).length, `round ${round}`).toBe(round === 1 ? 1 : 0);
          expect(outcomes.filter((o) => o.seeded).length, `round ${round}`).toBe(round === 1 ? 1 : 0);

          const users = await db.selectFrom('users').select(['email', 'role']).execute();
          expect(users).toEqual([{ email: 'owner@example.com', role: 'admin' }]);
          expect(printed.filter((line) => line.includes('Password')).length).toBe(1);
          const orders = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
          expect(Number(orders.n)).toBe(DEMO_ORDER_COUNT);
          const counted = await db.selectFrom('stage_counts').select((eb) => eb.fn.sum<number>('count').as('n')).executeTakeFirstOrThrow();
          expect(Number(counted.n)).toBe(DEMO_ORDER_COUNT);
          // The claim marker is gone once the seed is done.
          expect(await db.selectFrom('settings').select('key').where('key', 'like', 'demo_data%').execute()).toEqual([]);
        }
      } finally {
        await close();
      }
    });
  });
}

import pino from 'pino';
import { expect, it } from 'vitest';
import { STAGES } from '../stages/stages.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { testConfig } from '../test-support/app.js';
import { DEMO_ORDER_COUNT, seedDemoDataIfEmpty } from './demo-data.js';
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

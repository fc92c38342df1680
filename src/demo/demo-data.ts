import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { transact } from '../db/transact.js';

export const DEMO_ORDER_COUNT = 300;

/**
 * Fills an empty installation with demo orders in every stage so a first look at the back office
 * shows working queues. The seeder (and faker behind it) is imported only when it will run, so a
 * normal start does not pay for loading it.
 */
/** True when it seeded (the database was empty), so the caller adds the demo payments once the gateway is up. */
export async function seedDemoDataIfEmpty(db: Db, config: Config, log: Logger): Promise<boolean> {
  if (!config.demoData) return false;
  const any = await db.selectFrom('orders').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const { seedOrders } = await import('./seed-orders.js');
  const result = await seedOrders(db, { orders: DEMO_ORDER_COUNT, orderNumberPrefix: config.orderNumberPrefix });
  log.info({ orders: result.orders, rows: result.rows, ms: Math.round(result.ms) }, 'demo data seeded (set ORDERDECK_DEMO_DATA=0 to start empty)');
  // Demo A/R orders are days or weeks old by design; the retry schedule would reject them on its first run.
  // It starts switched off here, with the default days, for the merchant to look at and switch on in Settings.
  const { DEFAULT_AR_SCHEDULE, updateArSchedule } = await import('../payments/receivables/ar-schedule.js');
  const { version: _v, ...schedule } = DEFAULT_AR_SCHEDULE;
  await transact(db, (trx) => updateArSchedule(trx, { ...schedule, enabled: false }, DEFAULT_AR_SCHEDULE.version, 'system:orderdeck Orderdeck'));
  return true;
}

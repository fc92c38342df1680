import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { type Db, isPostgres, sqliteHandleOf } from '../db/database.js';
import { transact } from '../db/transact.js';

export const DEMO_ORDER_COUNT = 300;

/**
 * Fills an empty installation with demo orders in every stage so a first look at the back office
 * shows working queues. The seeder (and faker behind it) is imported only when it will run, so a
 * normal start does not pay for loading it.
 */
/** True when it seeded (the database was empty), so the caller adds the demo payments once the gateway is up. */
export async function seedDemoDataIfEmpty(db: Db, config: Config, log: Logger, now = Date.now()): Promise<boolean> {
  if (!config.demoData) return false;
  if (await db.selectFrom('orders').select('id').limit(1).executeTakeFirst()) return false;
  if (!(await claimDemoSeed(db, now))) {
    log.info('demo data not seeded: the database has orders, or another server is seeding it');
    return false;
  }
  try {
    await seedDemoData(db, config, log);
  } finally {
    // Released once done (or failed): the orders now say the database is not empty, so none is seeded twice.
    await db.deleteFrom('settings').where('key', '=', SEED_CLAIM).execute();
  }
  return true;
}

/** The marker a seeding server holds in `settings`; never read as a setting. */
const SEED_CLAIM = 'demo_data.seeding';
/**
 * A claim older than this was left by a server that died while seeding (the demo set takes about a
 * second): it is taken over, or an installation whose first start crashed would never get its demo data.
 */
export const ABANDONED_CLAIM_MS = 10 * 60_000;

function abandoned(valueJson: string | undefined, now: number): boolean {
  if (valueJson === undefined) return false;
  try {
    const since = (JSON.parse(valueJson) as { since?: unknown }).since;
    return typeof since !== 'number' || since < now - ABANDONED_CLAIM_MS;
  } catch {
    return true; // not a marker this code wrote: nobody holds it
  }
}

/**
 * Servers starting together on one empty database (PostgreSQL, or several processes on one SQLite file)
 * would all find it empty. Each claims the seed with a marker row, `on conflict do nothing`, and only then
 * looks for orders, in the same write transaction: a second claimant waits on the first one's row (a
 * unique-key lock on PostgreSQL, the write lock on SQLite) and then finds either the marker or, once the
 * first has finished, its orders. Only a claim that inserted the marker and found no orders seeds.
 */
async function claimDemoSeed(db: Db, now = Date.now()): Promise<boolean> {
  const marker = JSON.stringify({ since: now });
  const sqlite = sqliteHandleOf(db);
  if (sqlite) {
    // One synchronous `begin immediate` transaction: the write lock is never held across an await, where
    // another connection's synchronous write (the seeder's) would wait on it while the event loop stands still.
    return sqlite.transaction(() => {
      const held = sqlite.prepare('select value_json from settings where key = ?').get(SEED_CLAIM) as { value_json: string } | undefined;
      if (abandoned(held?.value_json, now)) sqlite.prepare('delete from settings where key = ?').run(SEED_CLAIM);
      if (sqlite.prepare('insert into settings (key, value_json) values (?, ?) on conflict (key) do nothing').run(SEED_CLAIM, marker).changes !== 1) return false;
      if (!sqlite.prepare('select 1 from orders limit 1').get()) return true;
      sqlite.prepare('delete from settings where key = ?').run(SEED_CLAIM);
      return false;
    }).immediate();
  }
  return transact(db, async (trx) => {
    // `for update` so that two servers finding the same abandoned claim take it over one after the other.
    const held = await trx.selectFrom('settings').select('value_json').where('key', '=', SEED_CLAIM)
      .$if(isPostgres(trx), (q) => q.forUpdate()).executeTakeFirst();
    if (abandoned(held?.value_json, now)) await trx.deleteFrom('settings').where('key', '=', SEED_CLAIM).where('value_json', '=', held!.value_json).execute();
    const claimed = await trx.insertInto('settings').values({ key: SEED_CLAIM, value_json: marker })
      .onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
    if (!(await trx.selectFrom('orders').select('id').limit(1).executeTakeFirst())) return true;
    await trx.deleteFrom('settings').where('key', '=', SEED_CLAIM).execute();
    return false;
  });
}

/** The name payments are recorded under: the sandbox's, or `http` for ORDERDECK_GATEWAY_URL (payments/gateway/gateway-setup.ts). */
export const gatewayNameOf = (config: Pick<Config, 'gatewayUrl'>): string => (config.gatewayUrl ? 'http' : 'sandbox');

async function seedDemoData(db: Db, config: Config, log: Logger): Promise<void> {
  const { seedOrders } = await import('./seed-orders.js');
  // Its Pending Clearance orders wait on payments submitted at the storefront, pending under the gateway's name
  // with the provider's reference: that gateway's notification (`cleared`, `failed`) moves them on.
  const result = await seedOrders(db, { orders: DEMO_ORDER_COUNT, orderNumberPrefix: config.orderNumberPrefix, gateway: gatewayNameOf(config) });
  log.info({ orders: result.orders, rows: result.rows, ms: Math.round(result.ms) }, 'demo data seeded (set ORDERDECK_DEMO_DATA=0 to start empty)');
  // Demo A/R orders are days or weeks old by design; the retry schedule would reject them on its first run.
  // It starts switched off here, with the default days, for the merchant to look at and switch on in Settings.
  const { DEFAULT_AR_SCHEDULE, updateArSchedule } = await import('../payments/receivables/ar-schedule.js');
  const { version: _v, ...schedule } = DEFAULT_AR_SCHEDULE;
  await transact(db, (trx) => updateArSchedule(trx, { ...schedule, enabled: false }, DEFAULT_AR_SCHEDULE.version, 'system:orderdeck Orderdeck'));
}

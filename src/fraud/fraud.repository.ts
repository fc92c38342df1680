import { sql } from 'kysely';
import { type Executor, isPostgres, type Trx } from '../db/database.js';
import { prepared, preparedPerCount } from '../db/prepared.js';
import { cachePerDatabase } from '../db/database-cache.js';
import { ipMatcher } from './fraud-values.js';
import type { FraudAuditRow, FraudBlockRow, FraudBlocksTable, FraudSettingsRow, FraudSignalsTable } from './fraud.table.js';

/** The settings live in one row; this is its id. */
const SETTINGS_ID = 1;

export async function findFraudSettingsRow(db: Executor): Promise<FraudSettingsRow | undefined> {
  return db.selectFrom('fraud_settings').selectAll().where('id', '=', SETTINGS_ID).executeTakeFirst();
}

/** Reads the settings row and, on PostgreSQL, locks it until the transaction ends (SQLite has one writer). */
export async function lockFraudSettingsRow(trx: Trx): Promise<FraudSettingsRow | undefined> {
  const query = trx.selectFrom('fraud_settings').selectAll().where('id', '=', SETTINGS_ID);
  return (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
}

/** The first save replaces the defaults; undefined when another writer saved first (the primary key decides). */
export async function insertFraudSettingsRow(trx: Trx, row: Omit<FraudSettingsRow, 'id'>): Promise<FraudSettingsRow | undefined> {
  return trx.insertInto('fraud_settings').values({ id: SETTINGS_ID, ...row })
    .onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
}

/** Updates only if the row still has `version`; undefined when someone else got there first. */
export async function updateFraudSettingsRow(trx: Trx, version: number, row: Omit<FraudSettingsRow, 'id' | 'version'>): Promise<FraudSettingsRow | undefined> {
  return trx.updateTable('fraud_settings').set({ ...row, version: version + 1 })
    .where('id', '=', SETTINGS_ID).where('version', '=', version).returningAll().executeTakeFirst();
}

export interface BlockKey {
  kind: string;
  value: string;
}

export interface VelocityProbe {
  kind: 'ip' | 'email' | 'card';
  value: string;
  /** Exclusive start of the window, epoch ms. */
  from: number;
  /** Counting stops here: the rule only needs to know whether the limit is reached. */
  cap: number;
}

/**
 * What the rules need to know about one order, in one round trip:
 *  - which of `keys` are on a block list: a point look-up each on the (kind, value) unique index;
 *  - per velocity probe, the signals in (from, to]: a range of the fraud_signals primary key
 *    (kind, value, at) cut off after `cap` rows, so a card used ten thousand times costs no more
 *    than one used three times.
 * On PostgreSQL the same queries run inside the fraud_lookup function, whose plans stay prepared (see
 * the migration); on SQLite, as one statement, which the connection's statement cache keeps prepared.
 */
export async function findBlocksAndVelocity(
  db: Executor, keys: BlockKey[], probes: VelocityProbe[], to: number,
): Promise<{ blocked: BlockKey[]; velocity: Map<string, number> }> {
  const result = { blocked: [] as BlockKey[], velocity: new Map<string, number>() };
  if (keys.length === 0 && probes.length === 0) return result;
  if (!isPostgres(db)) return findOnSqlite(db, keys, probes, to);
  // Sent through executeQuery, as prepared queries are, so it can join a statement batch.
  const { rows } = await db.executeQuery(sql<LookupRow>`select src, lookup_kind as kind, lookup_value as value, n from fraud_lookup(
        ${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.value)}::text[], ${probes.map((p) => p.kind)}::text[],
        ${probes.map((p) => p.value)}::text[], ${probes.map((p) => p.from)}::bigint[], ${probes.map((p) => p.cap)}::integer[], ${to})`.compile(db));
  for (const r of rows) {
    if (r.src === 'block') result.blocked.push({ kind: r.kind, value: r.value });
    else result.velocity.set(r.kind, Number(r.n));
  }
  return result;
}

/**
 * SQLite (one process): the block lists are held in memory — a few thousand short strings, re-read every
 * few seconds and at once after a change made here — so an order's block checks cost no query; each
 * velocity count is a statement compiled once, a capped walk of the fraud_signals key.
 */
async function findOnSqlite(db: Executor, keys: BlockKey[], probes: VelocityProbe[], to: number) {
  const blocks = await blockSets.get(db);
  const blocked = keys.filter((k) => blocks.has(`${k.kind}\u0000${k.value}`));
  const velocity = new Map<string, number>();
  const counts = await Promise.all(probes.map((p) => velocityCount(db, { kind: p.kind, value: p.value, from: p.from, to, cap: p.cap })));
  probes.forEach((p, i) => velocity.set(p.kind, Number(counts[i]!.rows[0]?.n ?? 0)));
  return { blocked, velocity };
}

const blockSets = cachePerDatabase(5_000, async (db) => {
  const rows = await db.selectFrom('fraud_blocks').select(['kind', 'value']).execute();
  return new Set(rows.map((r) => `${r.kind}\u0000${r.value}`));
});
/**
 * IP ranges on the block list ("203.0.113.0/24"), held in memory on both databases: a range cannot be
 * found by an exact key, and there are few of them. Returns the range an address falls in, or null.
 */
const blockedRanges = cachePerDatabase(5_000, async (db) => {
  const rows = await db.selectFrom('fraud_blocks').select('value').where('kind', '=', 'ip').where('value', 'like', '%/%').execute();
  const ranges = rows.map((r) => ({ range: r.value, matches: ipMatcher([r.value]) }));
  const any = ipMatcher(rows.map((r) => r.value));
  return (ip: string): string | null => (any(ip) ? ranges.find((r) => r.matches(ip))?.range ?? null : null);
});

export async function findBlockedIpRange(db: Executor, ip: string): Promise<string | null> {
  return (await blockedRanges.get(db))(ip);
}

/** A block added or removed in this process counts at once; other processes see it within 5 seconds. */
export const forgetCachedBlocks = (): void => {
  blockSets.invalidate();
  blockedRanges.invalidate();
};

const velocityCount = prepared((db, p: { kind: string; value: string; from: number; to: number; cap: number }) => db
  .selectFrom((eb) => eb.selectFrom('fraud_signals').select(sql<number>`1`.as('one'))
    .where('kind', '=', p.kind).where('value', '=', p.value).where('at', '>', p.from).where('at', '<=', p.to).limit(p.cap).as('w'))
  .select((eb) => eb.fn.countAll<number>().as('n')));

interface LookupRow {
  src: string;
  kind: string;
  value: string;
  n: number | string;
}

/** Inserts a block unless the same (kind, value) is already there; undefined then. */
export async function insertFraudBlock(trx: Trx, row: Omit<FraudBlocksTable, 'id'>): Promise<FraudBlockRow | undefined> {
  const inserted = await trx.insertInto('fraud_blocks').values(row)
    .onConflict((oc) => oc.columns(['kind', 'value']).doNothing()).returningAll().executeTakeFirst();
  forgetCachedBlocks();
  return inserted;
}

export async function deleteFraudBlock(trx: Trx, id: number): Promise<FraudBlockRow | undefined> {
  const deleted = await trx.deleteFrom('fraud_blocks').where('id', '=', id).returningAll().executeTakeFirst();
  forgetCachedBlocks();
  return deleted;
}

export async function findFraudBlock(db: Executor, id: number): Promise<FraudBlockRow | undefined> {
  return db.selectFrom('fraud_blocks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first, keyset-paged by id: fraud_blocks_kind_id_idx with a kind, the primary key without. */
export async function listFraudBlocks(db: Executor, opts: { kind?: string | undefined; beforeId?: number | undefined; limit: number }): Promise<FraudBlockRow[]> {
  let query = db.selectFrom('fraud_blocks').selectAll();
  if (opts.kind !== undefined) query = query.where('kind', '=', opts.kind);
  if (opts.beforeId !== undefined) query = query.where('id', '<', opts.beforeId);
  return query.orderBy('id', 'desc').limit(opts.limit).execute();
}

/** Velocity signals of a placed order; recording the same order again changes nothing. */
export async function insertFraudSignals(trx: Executor, rows: FraudSignalsTable[]): Promise<void> {
  if (rows.length === 0) return;
  const args: Record<string, unknown> = {};
  rows.forEach((r, i) => Object.assign(args, { [`kind${i}`]: r.kind, [`value${i}`]: r.value, [`at${i}`]: r.at, [`order${i}`]: r.order_id }));
  await insertSignalsQuery(trx, rows.length, args);
}
// Compiled once per row count (one to three signals per order): this insert is on every order's path.
const insertSignalsQuery = preparedPerCount((db, p: Record<string, unknown>, count) => db.insertInto('fraud_signals')
  .values(Array.from({ length: count }, (_, i) => ({ kind: p[`kind${i}`], value: p[`value${i}`], at: p[`at${i}`], order_id: p[`order${i}`] })) as never)
  .onConflict((oc) => oc.doNothing()));

/**
 * Forgets signals older than `before` (no rule looks further back than the longest velocity window), in
 * batches of about `batch` rows along fraud_signals_at_idx, so a large backlog never makes one long delete.
 */
export async function deleteFraudSignalsBefore(db: Executor, before: number, batch = 10_000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const edge = await db.selectFrom('fraud_signals').select('at').where('at', '<', before).orderBy('at').offset(batch).limit(1).executeTakeFirst();
    const query = db.deleteFrom('fraud_signals');
    const result = await (edge ? query.where('at', '<=', edge.at) : query.where('at', '<', before)).executeTakeFirst();
    deleted += Number(result.numDeletedRows);
    if (!edge) return deleted;
  }
}

/** The audit trail of rule and block list changes, newest first (keyset on the primary key). */
export async function listFraudAudit(db: Executor, opts: { action?: string | undefined; beforeId?: number | undefined; limit: number }): Promise<FraudAuditRow[]> {
  let query = db.selectFrom('fraud_audit').selectAll();
  if (opts.action !== undefined) query = query.where('action', '=', opts.action);
  if (opts.beforeId !== undefined) query = query.where('id', '<', opts.beforeId);
  return query.orderBy('id', 'desc').limit(opts.limit).execute();
}

export async function insertFraudAudit(trx: Trx, row: { at: number; actor: string; action: string; detail: unknown }): Promise<void> {
  await trx.insertInto('fraud_audit').values({ at: row.at, actor: row.actor, action: row.action, detail_json: JSON.stringify(row.detail) }).execute();
}

/** Stored daily figures ([{ currency, orders, revenue }]) of finished days from `from` on, current ones only. */
export async function findStoredDayFigures(db: Executor, from: number): Promise<string[]> {
  const rows = await db.selectFrom('dashboard_days').select(['figures_json', 'generation', 'computed_generation'])
    .where('day_start', '>=', from).where('figures_json', 'is not', null).execute();
  return rows.filter((r) => Number(r.computed_generation) === Number(r.generation)).map((r) => r.figures_json!);
}

/** Currency and total of the latest `limit` non-test orders: a bounded walk back along the primary key. */
export async function findLatestOrderTotals(db: Executor, limit: number): Promise<{ currency: string; total: number }[]> {
  return db.selectFrom('orders').select(['currency', 'total']).where('is_test', '=', 0).orderBy('id', 'desc').limit(limit).execute();
}

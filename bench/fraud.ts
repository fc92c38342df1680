/**
 * `npx tsx bench/fraud.ts`: the fraud rules engine on a year-sized history, per order.
 *
 *   FRAUD_SIGNALS=1000000   velocity rows of history, spread over 90 days
 *   FRAUD_ASSESSMENTS=20000 orders assessed (after 1,000 of warm-up)
 *
 * A fresh SQLite file database, and PostgreSQL when DATABASE_URL is set (in a scratch schema, dropped at
 * the end). Each is migrated, filled with signals, 90 days of dashboard figures and a block list, then
 * assessFraud runs once per order, one order at a time, and the script prints mean / p50 / p99 µs.
 * It also times "assess + record the signals" in one transaction, the cost the order-creation path pays.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { closeDatabase, createDatabase, type Db, sqliteHandleOf } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { transact } from '../src/db/transact.js';
import { assessFraud, type FraudFacts, recordFraudSignals } from '../src/fraud/assess-fraud.js';
import { addressKey } from '../src/fraud/fraud-values.js';

const SIGNALS = Number(process.env.FRAUD_SIGNALS ?? 1_000_000);
const ASSESSMENTS = Number(process.env.FRAUD_ASSESSMENTS ?? 20_000);
const WARM_UP = 1_000;
const DAY = 86_400_000;
const NOW = Date.now();
const CUSTOMERS = 150_000;
const CURRENCIES = ['USD', 'USD', 'USD', 'EUR', 'GBP'];
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'shopmail.example', 'corp.example', 'mailinator.com'];
const COUNTRIES = ['US', 'US', 'US', 'CA', 'GB', 'DE', 'FR', 'NG'];

/** mulberry32: the same history on every run and both databases. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const customer = (i: number) => ({
  email: `c${i}@${DOMAINS[i % DOMAINS.length]}`,
  // Most customers have their own address; 1 in 20 orders comes through one of 500 shared (NAT) addresses.
  ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  card: `fp_${(i * 2654435761 >>> 0).toString(16)}_${i}`,
  address: { line1: `${i} Elm Street`, postalCode: String(10_000 + (i % 89_999)), country: COUNTRIES[i % COUNTRIES.length]! },
});

/** Rows of velocity history: orders of skewed customers (a few buy often) at random times in 90 days, plus bursts. */
function* signalRows(): Generator<[string, string, number, number]> {
  const random = rng(42);
  let emitted = 0;
  let orderId = 0;
  // A few cards and IPs hammered in the last hour: the counts the cap exists for.
  for (let burst = 0; burst < 20 && emitted < SIGNALS; burst++) {
    const c = customer(CUSTOMERS + burst);
    for (let k = 0; k < 200 && emitted < SIGNALS; k++, emitted += 2) {
      const at = NOW - Math.floor(random() * 3_600_000);
      orderId++;
      yield ['card', c.card, at, orderId];
      yield ['ip', c.ip, at, orderId];
    }
  }
  while (emitted < SIGNALS) {
    const i = Math.floor(CUSTOMERS * random() ** 2);
    const c = customer(i);
    const at = NOW - Math.floor(random() * 90 * DAY);
    orderId++;
    const ip = random() < 0.05 ? `172.16.${Math.floor(random() * 2)}.${Math.floor(random() * 250)}` : c.ip;
    for (const [kind, value] of [['email', c.email], ['ip', ip], ['card', c.card]] as const) {
      if (emitted++ >= SIGNALS) return;
      yield [kind, value, at, orderId];
    }
  }
}

/** 90 finished days of dashboard figures, so the trailing average comes from them as in production. */
function dayFigures(): { day_start: number; generation: number; computed_generation: number; figures_json: string; computed_at: number }[] {
  const today = Math.floor(NOW / DAY) * DAY;
  return Array.from({ length: 90 }, (_, d) => ({
    day_start: today - (d + 1) * DAY, generation: 0, computed_generation: 0, computed_at: NOW,
    figures_json: JSON.stringify([
      { currency: 'USD', orders: 2_500, revenue: 2_500 * 6_500 },
      { currency: 'EUR', orders: 700, revenue: 700 * 5_900 },
      { currency: 'GBP', orders: 500, revenue: 500 * 5_200 },
    ]),
  }));
}

/** 5,000 blocked values of every kind; every 50th customer is on a list. */
function blockRows() {
  const rows: { kind: string; value: string; reason: string; created_at: number; created_by: string }[] = [];
  for (let i = 0; i < 1_250; i++) {
    const c = customer(i * 50 + 7);
    for (const [kind, value] of [['email', c.email], ['ip', c.ip], ['card', c.card], ['address', addressKey(c.address)]] as const) {
      rows.push({ kind, value, reason: 'chargeback', created_at: NOW - i * 60_000, created_by: 'bench' });
    }
  }
  return rows;
}

/** The orders to assess: 60 % returning customers (skewed, as in the history), 35 % new, 5 % burst values. */
function ordersToAssess(count: number): FraudFacts[] {
  const random = rng(7);
  return Array.from({ length: count }, (_, n) => {
    const roll = random();
    const i = roll < 0.6 ? Math.floor(CUSTOMERS * random() ** 2) : roll < 0.95 ? CUSTOMERS * 10 + n : CUSTOMERS + Math.floor(random() * 20);
    const c = customer(i);
    const shipping = random() < 0.1 ? { ...c.address, country: 'GB' } : c.address;
    return {
      currency: CURRENCIES[n % CURRENCIES.length]!, total: Math.floor(1_000 + random() * (random() < 0.03 ? 200_000 : 12_000)),
      email: c.email, ip: random() < 0.05 ? null : c.ip, billing: c.address, shipping, cardFingerprint: random() < 0.1 ? null : c.card,
    };
  });
}

async function fillSqlite(db: Db) {
  const sqlite = sqliteHandleOf(db)!;
  const insert = sqlite.prepare('insert into fraud_signals (kind, value, at, order_id) values (?, ?, ?, ?) on conflict do nothing');
  sqlite.transaction(() => {
    for (const row of signalRows()) insert.run(...row);
  })();
  sqlite.exec('analyze');
}

async function fillPostgres(db: Db) {
  let batch: [string, string, number, number][] = [];
  const flush = async () => {
    if (!batch.length) return;
    await sql`insert into fraud_signals (kind, value, at, order_id)
      select * from unnest(${batch.map((r) => r[0])}::text[], ${batch.map((r) => r[1])}::text[], ${batch.map((r) => r[2])}::bigint[], ${batch.map((r) => r[3])}::bigint[])
      on conflict do nothing`.execute(db);
    batch = [];
  };
  for (const row of signalRows()) {
    batch.push(row);
    if (batch.length === 20_000) await flush();
  }
  await flush();
  await sql`analyze`.execute(db);
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return { mean: Math.round(mean), p50: Math.round(at(0.5)), p99: Math.round(at(0.99)), max: Math.round(sorted.at(-1)!) };
}

async function run(dialect: string, db: Db, schema?: string) {
  let t = performance.now();
  await migrateToLatest(db, schema);
  await (dialect === 'sqlite' ? fillSqlite(db) : fillPostgres(db));
  await db.insertInto('dashboard_days').values(dayFigures()).execute();
  for (let i = 0, rows = blockRows(); i < rows.length; i += 500) await db.insertInto('fraud_blocks').values(rows.slice(i, i + 500)).execute();
  console.log(`${dialect.padEnd(8)} ${SIGNALS.toLocaleString()} signals, 90 days of figures, 5,000 blocks loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const orders = ordersToAssess(WARM_UP + ASSESSMENTS);
  for (const facts of orders.slice(0, WARM_UP)) await assessFraud(db, facts, NOW);
  const samples: number[] = [];
  let held = 0;
  t = performance.now();
  for (const facts of orders.slice(WARM_UP)) {
    const start = performance.now();
    const assessment = await assessFraud(db, facts, NOW);
    samples.push((performance.now() - start) * 1000);
    if (assessment.hold) held++;
  }
  const wall = performance.now() - t;
  const assess = stats(samples);
  console.log(`${dialect.padEnd(8)} assessFraud          mean ${assess.mean} µs  p50 ${assess.p50} µs  p99 ${assess.p99} µs  max ${assess.max} µs`
    + `  (${ASSESSMENTS.toLocaleString()} orders in ${(wall / 1000).toFixed(2)} s, ${held} held)`);

  // The order-creation path: assess, then record the order's signals, in one transaction per order.
  const writes: number[] = [];
  let orderId = 10_000_000;
  for (const facts of orders.slice(WARM_UP, WARM_UP + 5_000)) {
    const start = performance.now();
    await transact(db, async (trx) => {
      await assessFraud(trx, facts, NOW);
      await recordFraudSignals(trx, ++orderId, facts, NOW);
    });
    writes.push((performance.now() - start) * 1000);
  }
  const both = stats(writes);
  console.log(`${dialect.padEnd(8)} assess+record (trx)  mean ${both.mean} µs  p50 ${both.p50} µs  p99 ${both.p99} µs  max ${both.max} µs  (5,000 orders, commit included)`);
}

async function main() {
  console.log(`fraud rules bench: ${SIGNALS.toLocaleString()} signals over 90 days; ${ASSESSMENTS.toLocaleString()} assessments; ${os.cpus().length} cores, Node ${process.versions.node}`);
  // The cores may be shared: the load average says how much else was running.
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`load average at start: ${load()}`);
  process.on('exit', () => console.log(`load average at end: ${load()}`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-fraud-bench-'));
  const sqliteDb = createDatabase({ sqlitePath: path.join(dir, 'fraud.sqlite') });
  try {
    await run('sqlite', sqliteDb);
  } finally {
    // The checkpoint worker is unref'd: without something holding the event loop, waiting for it to stop
    // would end the process mid-await.
    const keepAlive = setInterval(() => {}, 1_000);
    await closeDatabase(sqliteDb).finally(() => clearInterval(keepAlive));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const url = process.env.DATABASE_URL;
  if (!url) return;
  const schema = `fraud_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url, user: new URL(url).username || 'postgres' });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const pgDb = createDatabase({ databaseUrl: url, pgSchema: schema, pgPoolSize: 4 });
  try {
    await run('postgres', pgDb, schema);
  } finally {
    await pgDb.destroy();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

await main();

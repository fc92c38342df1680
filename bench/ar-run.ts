/**
 * `npx tsx bench/ar-run.ts`: one run of the A/R retry schedule over AR_ORDERS orders (default 10,000)
 * waiting in Accounts Receivable on day 1, each charged through the sandbox gateway over HTTP.
 *
 *   AR_ORDERS=10000      orders in A/R (every 10th on a card the sandbox declines)
 *   AR_CONCURRENCY=32    gateway calls in flight at once
 *   AR_SANDBOX=process   the sandbox as its own process (`orderdeck sandbox-gateway`); `inprocess` to share this one
 *   AR_PG_POOL=16        PostgreSQL connections
 *
 * A fresh SQLite file database, and PostgreSQL when DATABASE_URL is set (in a scratch schema, dropped at
 * the end). Orders are seeded through createOrder (not timed), then runArSchedule is timed for day 1 and
 * the script prints orders/s and what the run did. It checks the outcome: every approving order shipped,
 * every declining one still in A/R, nothing left open.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { closeDatabase, createDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createHttpGateway } from '../src/payments/gateway/http-gateway.js';
import { createPaymentServices } from '../src/payments/payment-services.js';
import { seedArOrders } from '../src/payments/receivables/ar-test-orders.js';
import { runArSchedule } from '../src/payments/receivables/run-ar-schedule.js';
import { startSandboxGateway } from '../src/payments/sandbox/sandbox-server.js';
import { environmentKeyring, VaultKey } from '../src/vault/vault-keys.js';

const ORDERS = Number(process.env.AR_ORDERS ?? 10_000);
const CONCURRENCY = Number(process.env.AR_CONCURRENCY ?? 32);
const SEPARATE_SANDBOX = process.env.AR_SANDBOX !== 'inprocess';
const secret = randomBytes(24).toString('base64url');
const keys = environmentKeyring([new VaultKey('bench', randomBytes(32))]);

async function startSandbox(): Promise<{ url: string; close: () => Promise<void> }> {
  if (!SEPARATE_SANDBOX) {
    const sandbox = await startSandboxGateway({ port: 0, host: '127.0.0.1', secret });
    return { url: sandbox.url, close: () => sandbox.close() };
  }
  const port = 20000 + Math.floor(Math.random() * 20000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-bench-sandbox-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sandbox-gateway', '--port', String(port)], {
    env: { ...process.env, ORDERDECK_GATEWAY_SECRET: secret, ORDERDECK_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      child.kill('SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function bench(name: string, db: Db, sandboxUrl: string) {
  await migrateToLatest(db);
  let t = Date.now();
  const orders = await seedArOrders(db, keys, { count: ORDERS, decliningEvery: 10 });
  console.log(`${name}: seeded ${ORDERS.toLocaleString('en-US')} A/R orders in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const payments = createPaymentServices(keys, createHttpGateway({ baseUrl: sandboxUrl, secret, name: 'sandbox' }));
  t = performance.now();
  const cpu = process.cpuUsage();
  const run = await runArSchedule(db, payments, { concurrency: CONCURRENCY });
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(`${name}: A/R run over ${run.examined.toLocaleString('en-US')} orders in ${seconds.toFixed(2)} s = ${Math.round(run.examined / seconds).toLocaleString('en-US')} orders/s`
    + ` (charged ${run.charged}: approved ${run.approved}, declined ${run.declined}, open ${run.open}, failed ${run.failed}; concurrency ${CONCURRENCY};`
    + ` this process used ${((used.user + used.system) / 1e6).toFixed(1)} s of CPU, load ${os.loadavg()[0]!.toFixed(1)})`);
  const stages = await db.selectFrom('orders').select(['stage', (eb) => eb.fn.countAll<number>().as('n')]).where('order_number', 'like', 'AR-%').groupBy('stage').execute();
  const open = await db.selectFrom('payment_ledger').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['started', 'unknown']).executeTakeFirstOrThrow();
  const byStage = Object.fromEntries(stages.map((s) => [s.stage, Number(s.n)]));
  console.log(`${name}: stages ${JSON.stringify(byStage)}; open ledger rows ${open.n}`);
  if (byStage.shipping_department !== orders.approving.length || byStage.accounts_receivable !== orders.declining.length || Number(open.n) !== 0) {
    throw new Error(`${name}: the run did not settle every order as expected`);
  }
}

const sandbox = await startSandbox();
console.log(`sandbox gateway ${SEPARATE_SANDBOX ? 'in its own process' : 'in this process'} at ${sandbox.url}; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
try {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-bench-ar-'));
  const sqlite = createDatabase({ sqlitePath: path.join(dir, 'orderdeck.sqlite') });
  try {
    await bench('sqlite', sqlite, sandbox.url);
  } finally {
    await closeDatabase(sqlite);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.DATABASE_URL) {
    const admin = createDatabase({ databaseUrl: process.env.DATABASE_URL, pgPoolSize: 1 });
    const schema = `bench_ar_${Date.now().toString(36)}`;
    await sql`create schema ${sql.id(schema)}`.execute(admin);
    const pgDb = createDatabase({ databaseUrl: process.env.DATABASE_URL, pgSchema: schema, pgPoolSize: Number(process.env.AR_PG_POOL ?? 16) });
    try {
      await migrateToLatest(pgDb, schema);
      await bench('postgres', pgDb, sandbox.url);
    } finally {
      await pgDb.destroy();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    }
  }
} finally {
  await sandbox.close();
}

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, createDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { seedArOrders } from '../payments/receivables/ar-test-orders.js';
import type { SandboxLogEntry } from '../payments/sandbox/sandbox-ledger.js';
import { testDialects } from '../test-support/databases.js';
import { freePorts } from '../test-support/ports.js';
import { environmentKeyring, parseVaultKeyList } from '../vault/vault-keys.js';

/**
 * The A/R retry job as operators run it: real `orderdeck run-jobs --once` processes (through tsx, as
 * the other process tests run the CLI) against one database, charging through a sandbox gateway
 * that runs as a process of its own and keeps its transaction log across our crashes.
 */
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

interface Proc { child: ChildProcess; exited: Promise<number | null>; output: () => string }
function cli(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => void (child.exitCode === null && child.kill('SIGKILL')));
  return { child, exited, output: () => output };
}
const outcomes = (p: Proc) => p.output().split('\n').filter((l) => l.startsWith('{"job"')).map((l) => JSON.parse(l) as { job: string; ran: boolean; counts?: Record<string, number> });

/** A data directory, vault key and gateway secret shared by this test and its processes, a sandbox process, and a fresh database. */
async function setUp(dialect: 'sqlite' | 'postgres', sandboxLatencyMs: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-ar-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const secret = randomBytes(24).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ORDERDECK_DATA_DIR: dataDir, ORDERDECK_DEMO_DATA: '0', ORDERDECK_GATEWAY_SECRET: secret, LOG_LEVEL: 'warn',
    ORDERDECK_VAULT_KEY: `ar1:${randomBytes(32).toString('base64')}`, DATABASE_URL: '',
  };
  let db: Db;
  if (dialect === 'postgres') {
    const admin = createDatabase({ databaseUrl: process.env.DATABASE_URL!, pgPoolSize: 1 });
    const name = `ar_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await sql`create database ${sql.id(name)}`.execute(admin);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.href;
    db = createDatabase({ databaseUrl: url.href, pgPoolSize: 8 });
    cleanups.push(async () => {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    });
  } else {
    db = createDatabase({ sqlitePath: path.join(dataDir, 'orderdeck.sqlite') });
  }
  cleanups.push(() => closeDatabase(db));
  await migrateToLatest(db);

  const port = await freePorts();
  const sandbox = cli(['sandbox-gateway', '--port', String(port), '--latency', String(sandboxLatencyMs)], env);
  for (let i = 0; !sandbox.output().includes('sandbox gateway listening'); i++) {
    if (i > 300 || sandbox.child.exitCode !== null) throw new Error(`the sandbox did not start: ${sandbox.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  env.ORDERDECK_GATEWAY_URL = `http://127.0.0.1:${port}`;
  const sandboxLog = async () => (await (await fetch(`http://127.0.0.1:${port}/sandbox/log`, { headers: { authorization: `Bearer ${secret}` } })).json()) as SandboxLogEntry[];
  const keys = environmentKeyring(parseVaultKeyList(env.ORDERDECK_VAULT_KEY)!);
  return { db, env, sandboxLog, keys };
}

/** Every order charged at most once (exactly once when `exactlyOnce`), nothing left open, none stuck. */
async function expectSettled(db: Db, sandboxLog: () => Promise<SandboxLogEntry[]>, orders: { approving: string[]; declining: string[] }, exactlyOnce: boolean) {
  const log = (await sandboxLog()).filter((e) => e.operation === 'sale' && e.idempotencyKey?.startsWith('ar:'));
  const perOrder = new Map<string, SandboxLogEntry[]>();
  for (const e of log) {
    const order = e.idempotencyKey!.split(':')[1]!;
    perOrder.set(order, [...(perOrder.get(order) ?? []), e]);
  }
  const charged = (o: string) => (perOrder.get(o) ?? []).filter((e) => e.result === 'approved').length;
  for (const o of orders.approving) expect(charged(o), o).toBe(1);
  for (const o of orders.declining) expect(charged(o), o).toBe(0);
  // The sandbox logs a key when it processes it, never when it replays it: one line per key.
  expect(new Set(log.map((e) => e.idempotencyKey)).size).toBe(log.length);
  if (exactlyOnce) expect(log.length).toBe(orders.approving.length + orders.declining.length);

  const open = await db.selectFrom('payment_ledger').select(['idempotency_key', 'status']).where('status', 'in', ['started', 'unknown']).execute();
  expect(open).toEqual([]);
  const rows = await db.selectFrom('orders').select(['order_number', 'stage', 'payment_status', 'paid_total', 'total']).where('order_number', 'like', 'AR-%').execute();
  const byNumber = new Map(rows.map((r) => [r.order_number, r]));
  for (const o of orders.approving) expect(byNumber.get(o), o).toMatchObject({ stage: 'shipping_department', payment_status: 'processed', paid_total: byNumber.get(o)!.total });
  for (const o of orders.declining) expect(byNumber.get(o), o).toMatchObject({ stage: 'accounts_receivable', payment_status: 'declined', paid_total: 0 });
}

describe.skipIf(!testDialects().includes('postgres'))('two processes running the A/R retry job at once [postgres]', () => {
  it('charge each order once: one day key, one ledger row, one sale at the gateway', async () => {
    const { db, env, sandboxLog, keys } = await setUp('postgres', 30);
    const orders = await seedArOrders(db, keys, { count: 400, decliningEvery: 5 });
    // --force: both really run (the lease alone would let only one in); the day's key is what keeps the charge single.
    const a = cli(['run-jobs', '--once', '--job', 'ar-schedule', '--force'], env);
    const b = cli(['run-jobs', '--once', '--job', 'ar-schedule', '--force'], env);
    expect(await a.exited, a.output()).toBe(0);
    expect(await b.exited, b.output()).toBe(0);
    const [ra, rb] = [outcomes(a)[0]!, outcomes(b)[0]!];
    expect(ra.ran && rb.ran).toBe(true);
    // Both charged some orders (they overlapped), together each order once.
    expect(ra.counts!.charged).toBeGreaterThan(0);
    expect(rb.counts!.charged).toBeGreaterThan(0);
    expect((ra.counts!.charged ?? 0) + (rb.counts!.charged ?? 0)).toBe(400);
    await expectSettled(db, sandboxLog, orders, true);

    // Under the lease, of two processes started together one runs and the other stands aside.
    await db.updateTable('orders').set({ stage_entered_at: sql`stage_entered_at - ${2 * 86_400_000}` }).where('stage', '=', 'accounts_receivable').execute();
    const c = cli(['run-jobs', '--once', '--job', 'ar-schedule'], env);
    const d = cli(['run-jobs', '--once', '--job', 'ar-schedule'], env);
    expect([await c.exited, await d.exited]).toEqual([0, 0]);
    const ran = [...outcomes(c), ...outcomes(d)];
    expect(ran.filter((o) => o.ran).length).toBeGreaterThanOrEqual(1);
    expect((await sandboxLog()).filter((e) => e.idempotencyKey?.endsWith(':day3')).length).toBe(orders.declining.length);
  }, 90_000);
});

describe.each(testDialects())('kill -9 in the middle of an A/R retry run [%s]', (dialect) => {
  it('after a restart and recovery every order is charged at most once, nothing is left open, none is stuck', async () => {
    const { db, env, sandboxLog, keys } = await setUp(dialect, 60);
    const orders = await seedArOrders(db, keys, { count: 300, decliningEvery: 4 });
    const first = cli(['run-jobs', '--once', '--job', 'ar-schedule'], env);
    const written = () => db.selectFrom('payment_ledger').select((eb) => eb.fn.countAll<number>().as('n')).where('idempotency_key', 'like', 'ar:%').executeTakeFirstOrThrow();
    for (let i = 0; Number((await written()).n) < 120; i++) {
      if (i > 600 || first.child.exitCode !== null) throw new Error(`the run did not get going: ${first.output()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    first.child.kill('SIGKILL');
    await first.exited;
    const open = await db.selectFrom('payment_ledger').select('id').where('status', '=', 'started').execute();
    expect(open.length).toBeGreaterThan(0); // killed with charges in flight

    // Restarted: recovery finishes the open charges with their own keys; the dead run's lease still keeps the schedule away.
    const at = new Date(Date.now() + 60_000).toISOString();
    const second = cli(['run-jobs', '--once', '--job', 'payment-recovery', '--job', 'ar-schedule', '--at', at], env);
    expect(await second.exited, second.output()).toBe(0);
    expect(outcomes(second)).toEqual([
      expect.objectContaining({ job: 'payment-recovery', ran: true, counts: expect.objectContaining({ resolved: open.length, stillUnknown: 0 }) }),
      expect.objectContaining({ job: 'ar-schedule', ran: false }),
    ]);
    // The operator does not wait for the lease to expire: --force finishes the run.
    const third = cli(['run-jobs', '--once', '--job', 'ar-schedule', '--force', '--at', at], env);
    expect(await third.exited, third.output()).toBe(0);
    expect(outcomes(third)[0]!.counts!.charged).toBeGreaterThan(0);
    await expectSettled(db, sandboxLog, orders, false);
  }, 90_000);
});

describe.each(testDialects())('kill -9 of `serve` in the middle of its scheduled A/R run [%s]', (dialect) => {
  it('the restarted server\'s own jobs finish the run: every order charged at most once, nothing open, none stuck', async () => {
    const { db, env, sandboxLog, keys } = await setUp(dialect, 60);
    const orders = await seedArOrders(db, keys, { count: 300, decliningEvery: 4 });
    // The scheduler's jobs every second (the first a second after start), instead of every five minutes.
    const serveEnv = { ...env, ORDERDECK_AR_INTERVAL_MS: '1000', ORDERDECK_RECOVERY_INTERVAL_MS: '1000', ORDERDECK_ADMIN_EMAIL: 'boss@example.com', ORDERDECK_ADMIN_PASSWORD: 'a long enough password' };
    const serve = async () => cli(['serve'], { ...serveEnv, PORT: String(await freePorts()) });
    const written = () => db.selectFrom('payment_ledger').select((eb) => eb.fn.countAll<number>().as('n')).where('idempotency_key', 'like', 'ar:%').executeTakeFirstOrThrow();

    const first = await serve();
    for (let i = 0; Number((await written()).n) < 120; i++) {
      if (i > 1200 || first.child.exitCode !== null) throw new Error(`the scheduled run did not get going: ${first.output()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await db.selectFrom('payment_ledger').select('id').where('status', '=', 'started').execute()).length).toBeGreaterThan(0);

    // Restarted later: the dead run's lease has run out and its open charges are due for recovery. (Set here
    // rather than waited for: two minutes of lease, thirty seconds of retry delay.)
    const now = Date.now();
    await db.updateTable('job_leases').set({ lease_until: now - 1 }).execute();
    await db.updateTable('payment_ledger').set({ next_attempt_at: now - 1 }).where('status', 'in', ['started', 'unknown']).execute();
    const second = await serve();
    const settled = async () => {
      const open = await db.selectFrom('payment_ledger').select('id').where('status', 'in', ['started', 'unknown']).execute();
      const unpaid = await db.selectFrom('orders').select('order_number').where('order_number', 'in', orders.approving).where('payment_status', '!=', 'processed').execute();
      return open.length === 0 && unpaid.length === 0;
    };
    for (let i = 0; !(await settled()); i++) {
      if (i > 600 || second.child.exitCode !== null) throw new Error(`the restarted server did not finish the run: ${second.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await expectSettled(db, sandboxLog, orders, false);
  }, 120_000);
});

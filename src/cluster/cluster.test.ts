import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../db/database.js';
import { testDialects } from '../test-support/databases.js';
import { freePorts } from '../test-support/ports.js';
import { SANDBOX_TEST_CARDS } from '../payments/sandbox/test-cards.js';

/** `serve` with ORDERDECK_WORKERS=2, as its own process tree (the primary and two HTTP workers). */
interface Served {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<number | null>;
}

function startCluster(dataDir: string, port: number, databaseUrl: string): Served {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: {
      ...process.env, PORT: String(port), ORDERDECK_SANDBOX_PORT: String(port + 1), ORDERDECK_WORKERS: '2', ORDERDECK_DATA_DIR: dataDir,
      ORDERDECK_DEMO_DATA: '0', ORDERDECK_ADMIN_EMAIL: 'boss@example.com', ORDERDECK_ADMIN_PASSWORD: 'a long enough password',
      DATABASE_URL: databaseUrl, LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, output: () => output, exited };
}

/** One request on its own connection, so the primary may hand it to either worker. */
function call(port: number, method: string, url: string, headers: Record<string, string> = {}, body?: unknown) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: url, agent: false,
      headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => (text += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const workerPids = (output: string) => new Set([...output.matchAll(/"pid":(\d+)[^\n]*"msg":"Server listening/g)].map((m) => Number(m[1])));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A scratch PostgreSQL database for the server processes (they take a URL, not a schema), dropped afterwards. */
async function scratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = createDatabase({ databaseUrl: process.env.DATABASE_URL!, pgPoolSize: 1 });
  const name = `cluster_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}

describe.each(testDialects())('serve with several worker processes (ORDERDECK_WORKERS) [%s]', (dialect) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-cluster-'));
  let port: number;
  let served: Served;
  let auth: Record<string, string>;
  let dropDatabase = async () => {};

  beforeAll(async () => {
    port = await freePorts(2); // the HTTP port and the sandbox's, next to it
    let databaseUrl = '';
    if (dialect === 'postgres') {
      const scratch = await scratchPostgres();
      databaseUrl = scratch.url;
      dropDatabase = scratch.drop;
    }
    served = startCluster(dataDir, port, databaseUrl);
    await waitFor(() => served.output().includes('all server workers listening'), 'the workers');
    const login = await call(port, 'POST', '/api/v1/auth/login', {}, { email: 'boss@example.com', password: 'a long enough password' });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']![0]).split(';')[0]!;
    const key = await call(port, 'POST', '/api/v1/api-keys', { cookie, 'x-csrf-token': JSON.parse(login.text).csrfToken }, { name: 'cluster test' });
    expect(key.status).toBe(201);
    auth = { authorization: `Bearer ${JSON.parse(key.text).key}` };
  }, 90_000);

  afterAll(async () => {
    if (served.child.exitCode === null) {
      served.child.kill('SIGTERM');
      await served.exited;
    }
    await dropDatabase();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves from every worker, with one order sequence and one sandbox gateway behind them', async () => {
    expect(workerPids(served.output()).size).toBe(2);
    const [card] = SANDBOX_TEST_CARDS;
    const vaulted = await call(port, 'POST', '/api/v1/vault/cards', auth, { number: card!.number, expMonth: 12, expYear: 2031 });
    expect(vaulted.status).toBe(201);
    const token = JSON.parse(vaulted.text).token as string;
    const orders = await Promise.all(Array.from({ length: 12 }, (_, i) => call(port, 'POST', '/api/v1/orders', auth, {
      channel: 'web', currency: 'USD', customer: { email: `c${i}@example.com`, ip: `198.51.100.${i + 1}` },
      billing: { firstName: 'Ada', lastName: 'Lovelace', line1: '1 Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
      items: [{ sku: 'BOOK', description: 'Book', quantity: 1, unitPrice: 1000 }],
      payment: i % 2 ? { method: 'credit_card', card: { token } } : { method: 'check' },
    })));
    expect(orders.map((o) => o.status)).toEqual(Array(12).fill(201));
    const numbers = orders.map((o) => JSON.parse(o.text).orderId as string);
    expect(new Set(numbers).size).toBe(12);
    // Card orders were charged through the primary's sandbox, whichever worker took them.
    const charged = orders.filter((_, i) => i % 2).map((o) => JSON.parse(o.text).payment.status as string);
    expect(charged).toEqual(Array(6).fill('processed'));
    // Both workers answered some of the requests.
    const answeredBy = new Set([...served.output().matchAll(/"pid":(\d+)[^\n]*"path":"\/api\/v1\/orders"/g)].map((m) => Number(m[1])));
    expect(answeredBy.size).toBe(2);
  });

  it('adds the workers\' metrics up once, and a revoked key stops working on every worker at once', async () => {
    const metrics = await call(port, 'GET', '/api/v1/metrics', auth);
    expect(metrics.status).toBe(200);
    // Every worker reports the stage counts from the same database: they appear once, not doubled.
    const shipping = metrics.text.split('\n').filter((l) => l.startsWith('orderdeck_orders_by_stage{stage="accounts_receivable"}'));
    expect(shipping).toHaveLength(1);
    const created = metrics.text.split('\n').filter((l) => l.startsWith('orderdeck_http_requests_total') && l.includes('route="/api/v1/orders"') && l.includes('status="201"'));
    expect(created).toHaveLength(1);
    expect(Number(created[0]!.split(' ').at(-1))).toBe(12);

    const keys = JSON.parse((await call(port, 'GET', '/api/v1/api-keys', auth)).text).items as Array<{ id: number }>;
    // Warm both workers' key caches first, then revoke through one of them.
    for (let i = 0; i < 6; i++) expect((await call(port, 'GET', '/api/v1/stages', auth)).status).toBe(200);
    expect((await call(port, 'DELETE', `/api/v1/api-keys/${keys[0]!.id}`, auth)).status).toBe(204);
    const after = await Promise.all(Array.from({ length: 8 }, () => call(port, 'GET', '/api/v1/stages', auth)));
    expect(after.map((r) => r.status)).toEqual(Array(8).fill(401));
  });

  it('replaces a worker that dies, and stops every process on SIGTERM', async () => {
    const [victim] = [...workerPids(served.output())];
    process.kill(victim!, 'SIGKILL');
    await waitFor(() => workerPids(served.output()).size === 3, 'a replacement worker');
    expect((await call(port, 'GET', '/api/v1/health')).status).toBe(200);
    const pids = [...workerPids(served.output())].filter((pid) => pid !== victim);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 60_000);

});

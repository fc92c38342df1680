/**
 * `npm run bench:payments`: order creation with a card charged through the sandbox gateway over HTTP.
 * The sandbox runs as its own process (`orderdeck sandbox-gateway`), as a real gateway would be elsewhere,
 * so the server's adapter does real HTTP with its timeouts and retries. Also measures the same requests
 * with the payment reported by the storefront (no gateway call), side by side, for the ratio.
 *
 *   BENCH_SECONDS=10   per run       BENCH_DIALECTS=sqlite,postgres (postgres when DATABASE_URL is set)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { cli, startServer } from './server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const dialects = (process.env.BENCH_DIALECTS ?? (process.env.DATABASE_URL ? 'sqlite,postgres' : 'sqlite')).split(',');

const body = (payment: object) => JSON.stringify({
  channel: 'web', currency: 'USD', customer: { email: 'pay-[<id>]@example.com', ip: '203.0.113.9' },
  billing: { firstName: 'Ada', lastName: 'Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
  items: [{ sku: 'BENCH-BOOK', description: 'Notes on the Engine', quantity: 2, unitPrice: 1999, tax: 400 }],
  shippingCost: 500, payment,
});

async function run(port: number, key: string, payload: string, connections: number) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/orders`, method: 'POST', connections, duration: SECONDS, idReplacement: true, body: payload,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });
  return { connections, ordersPerSecond: Math.round(r['2xx'] / SECONDS), errors: r.non2xx + r.errors + r.timeouts, p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
}

async function scratchPostgres(): Promise<string> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query('drop database if exists orderdeck_bench_pay');
  await admin.query('create database orderdeck_bench_pay');
  await admin.end();
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = '/orderdeck_bench_pay';
  return url.toString();
}

export async function benchPayments(dialect: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-paybench-'));
  const port = 32000 + Math.floor(Math.random() * 500);
  const sandboxPort = port + 500;
  const secret = 'bench-gateway-secret-0123456789';
  const env = {
    ...process.env, DATABASE_URL: dialect === 'postgres' ? await scratchPostgres() : '', ORDERDECK_DATA_DIR: dataDir, ORDERDECK_DEMO_DATA: '0',
    LOG_LEVEL: 'warn', ORDERDECK_RATE_LIMIT: '100000000', ORDERDECK_GATEWAY_URL: `http://127.0.0.1:${sandboxPort}`, ORDERDECK_GATEWAY_SECRET: secret,
  };
  cli(['migrate'], env);
  cli(['user', 'add', '--email', 'bench@example.com', '--name', 'Bench', '--role', 'admin', '--password', 'bench password 123'], env);
  const key = cli(['api-key', 'create', '--email', 'bench@example.com', '--name', 'bench'], env).match(/odk_\S+/)?.[0];
  if (!key) throw new Error('could not create an API key');
  const sandbox = spawn(process.execPath, ['bin/orderdeck.js', 'sandbox-gateway', '--port', String(sandboxPort), '--webhook-url', `http://127.0.0.1:${port}/api/v1/payments/notifications/sandbox`],
    { env: { ...env, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const server = await startServer(env, port);
  try {
    const vault = await fetch(`http://127.0.0.1:${port}/api/v1/vault/cards`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      // The sandbox's published "approved" Visa test number, assembled so no card number sits in the source.
      body: JSON.stringify({ number: ['4111', '1111', '1111', '1111'].join(''), expMonth: 12, expYear: 2031 }),
    });
    const { token } = (await vault.json()) as { token: string };
    const charged = body({ method: 'credit_card', card: { token } });
    const reported = body({ method: 'credit_card', status: 'processed', card: { token } });
    await run(port, key, charged, 4); // warm-up: JIT, connections, page cache
    const results = {
      dialect,
      charged: [await run(port, key, charged, 1), await run(port, key, charged, 16)],
      reported: [await run(port, key, reported, 16)],
      memory: server.memory(),
    };
    return results;
  } finally {
    await server.stop();
    sandbox.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const d of dialects) {
    const r = await benchPayments(d);
    fs.mkdirSync('bench/out', { recursive: true });
    fs.writeFileSync(`bench/out/payments-${d}.json`, JSON.stringify(r, null, 2));
    console.log(`\n### ${d}: order creation with payment (${SECONDS} s per run)\n`);
    console.log('| run | clients | orders/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- | --- |');
    for (const c of r.charged) console.log(`| card charged through the sandbox (HTTP) | ${c.connections} | ${c.ordersPerSecond} | ${c.p50Ms} | ${c.p99Ms} | ${c.errors} |`);
    for (const c of r.reported) console.log(`| payment reported by the storefront | ${c.connections} | ${c.ordersPerSecond} | ${c.p50Ms} | ${c.p99Ms} | ${c.errors} |`);
    console.log(`\nServer RSS ${r.memory.rssMb} MB (peak ${r.memory.peakRssMb} MB).`);
  }
}

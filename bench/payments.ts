/**
 * `npm run bench:payments`: order creation with a card charged through the sandbox gateway over HTTP.
 * The sandbox runs as its own process (`orderdeck sandbox-gateway`), as a real gateway would be elsewhere,
 * so the server's adapter does real HTTP with its timeouts and retries. Also measures the same requests
 * with the payment reported by the storefront (no gateway call), side by side, for the ratio.
 *
 *   BENCH_SECONDS=10   per run       BENCH_DIALECTS=sqlite,postgres (postgres when DATABASE_URL is set)
 *   BENCH_WORKERS=2    server processes for the side-by-side run (ORDERDECK_WORKERS)
 *   BENCH_SERVER_NODE_ARGS / BENCH_SANDBOX_NODE_ARGS  e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { describeMachine, measureMachine } from './machine.js';
import { cli, scratchPostgres, startServer } from './server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const dialects = (process.env.BENCH_DIALECTS ?? (process.env.DATABASE_URL ? 'sqlite,postgres' : 'sqlite')).split(',');

/**
 * Every order its own customer, IP and card, as real traffic has: one IP or card on every order would
 * (rightly) trip the fraud velocity rules and send the orders to review instead of charging them.
 */
let seq = 0;
const body = (payment: (n: number) => object) => () => {
  const n = ++seq;
  return JSON.stringify({
    channel: 'web', currency: 'USD', customer: { email: `pay-${n}@example.com`, ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
    billing: { firstName: 'Ada', lastName: `Lovelace${n % 1000}`, line1: `${n} Analytical Way`, city: 'London', postalCode: 'N1 9GU', country: 'GB' },
    items: [{ sku: 'BENCH-BOOK', description: 'Notes on the Engine', quantity: 2, unitPrice: 1999, tax: 400 }],
    shippingCost: 500, payment: payment(n),
  });
};

async function run(port: number, key: string, makeBody: () => string, connections: number) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`, connections, duration: SECONDS,
    requests: [{ method: 'POST', path: '/api/v1/orders', setupRequest: (req) => ({ ...req, body: makeBody() }) }],
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });
  return { connections, ordersPerSecond: Math.round(r['2xx'] / SECONDS), errors: r.non2xx + r.errors + r.timeouts, p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
}

/** Luhn-valid numbers the sandbox approves, one per card (built here, so no card number sits in the source). */
function cardNumber(n: number): string {
  const body = `4${String(n).padStart(14, '0')}`;
  for (let check = 0; check < 10; check++) {
    const digits = `${body}${check}`;
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}

/** Vaults `count` cards, 16 at a time; each is used on at most two orders, under the default card velocity limit. */
async function vaultCards(port: number, key: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < count) {
      const n = ++next;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/vault/cards`, {
        method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ number: cardNumber(n), expMonth: 12, expYear: 2031 }),
      });
      tokens.push(((await res.json()) as { token: string }).token);
    }
  }));
  return tokens;
}

export async function benchPayments(dialect: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-paybench-'));
  const port = 32000 + Math.floor(Math.random() * 500);
  const sandboxPort = port + 500;
  const secret = 'bench-gateway-secret-0123456789';
  const env = {
    ...process.env, DATABASE_URL: dialect === 'postgres' ? await scratchPostgres('orderdeck_bench_pay') : '', ORDERDECK_DATA_DIR: dataDir, ORDERDECK_DEMO_DATA: '0',
    LOG_LEVEL: 'warn', ORDERDECK_RATE_LIMIT: '100000000', ORDERDECK_GATEWAY_URL: `http://127.0.0.1:${sandboxPort}`, ORDERDECK_GATEWAY_SECRET: secret,
  };
  cli(['migrate'], env);
  cli(['user', 'add', '--email', 'bench@example.com', '--name', 'Bench', '--role', 'admin', '--password', 'bench password 123'], env);
  const key = cli(['api-key', 'create', '--email', 'bench@example.com', '--name', 'bench'], env).match(/odk_\S+/)?.[0];
  if (!key) throw new Error('could not create an API key');
  const sandbox = spawn(process.execPath, [...(process.env.BENCH_SANDBOX_NODE_ARGS ?? '').split(' ').filter(Boolean), 'bin/orderdeck.js', 'sandbox-gateway', '--port', String(sandboxPort), '--webhook-url', `http://127.0.0.1:${port}/api/v1/payments/notifications/sandbox`],
    { env: { ...env, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const server = await startServer(env, port);
  try {
    const tokens = await vaultCards(port, key, Number(process.env.BENCH_CARDS ?? 25_000));
    const token = (n: number) => tokens[Math.floor(n / 2) % tokens.length]!;
    const charged = body((n) => ({ method: 'credit_card', card: { token: token(n) } }));
    const reported = body((n) => ({ method: 'credit_card', status: 'processed', card: { token: token(n) } }));
    await run(port, key, charged, 4); // warm-up: JIT, connections, page cache
    const results = {
      dialect,
      charged: [await run(port, key, charged, 1), await run(port, key, charged, 16)],
      reported: [await run(port, key, reported, 16)],
      memory: server.memory(),
      workers: { count: WORKERS, charged: [] as Awaited<ReturnType<typeof run>>[] },
    };
    await server.stop();
    // The same charged orders against `serve` with several worker processes (ORDERDECK_WORKERS), side by side.
    const many = await startServer({ ...env, ORDERDECK_WORKERS: String(WORKERS) }, port);
    try {
      await run(port, key, charged, 4);
      results.workers.charged.push(await run(port, key, charged, 16));
    } finally {
      await many.stop();
    }
    return results;
  } finally {
    if (server.child.exitCode === null) await server.stop();
    sandbox.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const machine = await measureMachine();
  console.log(describeMachine(machine));
  for (const d of dialects) {
    const r = await benchPayments(d);
    fs.mkdirSync('bench/out', { recursive: true });
    fs.writeFileSync(`bench/out/payments-${d}.json`, JSON.stringify({ ...r, machine }, null, 2));
    console.log(`\n### ${d}: order creation with payment (${SECONDS} s per run)\n`);
    console.log('| run | clients | orders/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- | --- |');
    for (const c of r.charged) console.log(`| card charged through the sandbox (HTTP) | ${c.connections} | ${c.ordersPerSecond} | ${c.p50Ms} | ${c.p99Ms} | ${c.errors} |`);
    for (const c of r.reported) console.log(`| payment reported by the storefront | ${c.connections} | ${c.ordersPerSecond} | ${c.p50Ms} | ${c.p99Ms} | ${c.errors} |`);
    for (const c of r.workers.charged) console.log(`| card charged, ${r.workers.count} server processes | ${c.connections} | ${c.ordersPerSecond} | ${c.p50Ms} | ${c.p99Ms} | ${c.errors} |`);
    console.log(`\nServer RSS ${r.memory.rssMb} MB (peak ${r.memory.peakRssMb} MB).`);
  }
}

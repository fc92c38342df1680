/**
 * `npx tsx bench/creation.ts`: order creation over HTTP on a fresh database, without the million-order seed
 * of `npm run bench` — for comparing changes side by side in a minute.
 *
 *   BENCH_SECONDS=10  BENCH_DIALECTS=sqlite,postgres  BENCH_SEED=20000 (orders seeded first)
 *   ORDERDECK_WORKERS is passed through to the server.
 *   BENCH_DATA_DIR=dir (SQLite): measure on that data directory as it is, seeded once beforehand
 *   (`orderdeck seed --orders 1000000`), so changes can be compared at scale without seeding each time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, scratchPostgres, startServer } from './server.js';
import { measureOrderCreation } from './throughput.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SEED = Number(process.env.BENCH_SEED ?? 20_000);
const dialects = (process.env.BENCH_DIALECTS ?? (process.env.DATABASE_URL ? 'sqlite,postgres' : 'sqlite')).split(',');

for (const dialect of dialects) {
  const reuse = dialect === 'sqlite' ? process.env.BENCH_DATA_DIR : undefined;
  const dataDir = reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-createbench-'));
  const env = {
    ...process.env, DATABASE_URL: dialect === 'postgres' ? await scratchPostgres('orderdeck_bench_create') : '', ORDERDECK_DATA_DIR: dataDir,
    ORDERDECK_DEMO_DATA: '0', LOG_LEVEL: 'warn', ORDERDECK_RATE_LIMIT: '100000000',
  };
  cli(['migrate'], env);
  if (SEED && !reuse) cli(['seed', '--orders', String(SEED)], env);
  const email = `bench-${Date.now()}@example.com`;
  cli(['user', 'add', '--email', email, '--name', 'Bench', '--role', 'admin', '--password', 'bench password 123'], env);
  const key = cli(['api-key', 'create', '--email', email, '--name', 'bench'], env).match(/odk_\S+/)?.[0];
  if (!key) throw new Error('could not create an API key');
  const port = 33000 + Math.floor(Math.random() * 500);
  const server = await startServer(env, port);
  try {
    await measureOrderCreation(port, key, 4, 3); // warm-up
    for (const connections of [1, 16]) {
      const r = await measureOrderCreation(port, key, connections, SECONDS);
      console.log(`${dialect} workers=${process.env.ORDERDECK_WORKERS ?? 1} clients=${connections}: ${r.ordersPerSecond} orders/s p50 ${r.p50Ms} ms p99 ${r.p99Ms} ms errors ${r.errors}`);
    }
    const m = server.memory();
    console.log(`${dialect}: server RSS ${m.rssMb} MB (peak ${m.peakRssMb} MB)`);
  } finally {
    await server.stop();
    if (!reuse) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * `npx tsx bench/search.ts`: search by name and free text over HTTP on a database seeded beforehand, two
 * rounds of the same random samples (the first reads from disk what the second finds cached) — for
 * comparing search changes side by side without reseeding a million orders.
 *
 *   BENCH_DATA_DIR=dir   the server's data directory (SQLite: seeded with `orderdeck seed --orders 1000000`)
 *   BENCH_PG_URL=url     measure that PostgreSQL database instead (BENCH_DATA_DIR then only holds the key file)
 *   BENCH_SAMPLES=300    BENCH_SLOWEST=10 (list the slowest requests of the last round)
 */
import path from 'node:path';
import { measureGets } from './latency.js';
import { openRawPostgres, openRawSqlite, sampleValues } from './raw-db.js';
import { cli, startServer } from './server.js';

const dir = process.env.BENCH_DATA_DIR;
if (!dir) throw new Error('BENCH_DATA_DIR must name a seeded data directory');
const url = process.env.BENCH_PG_URL ?? '';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const env = { ...process.env, DATABASE_URL: url, ORDERDECK_DATA_DIR: dir, ORDERDECK_DEMO_DATA: '0', LOG_LEVEL: 'warn', ORDERDECK_RATE_LIMIT: '100000000' };
const email = 'search-bench@example.com';
try {
  cli(['user', 'add', '--email', email, '--name', 'Search bench', '--role', 'read_only', '--password', 'search bench password'], env);
} catch {
  // made by an earlier run
}
const key = cli(['api-key', 'create', '--email', email, '--name', 'search bench'], env).match(/odk_\S+/)?.[0];
if (!key) throw new Error('could not create an API key');
const raw = url ? openRawPostgres(url) : openRawSqlite(path.join(dir, 'orderdeck.sqlite'));
const samples = await sampleValues(raw, SAMPLES);
await raw.close();
const port = 34000 + Math.floor(Math.random() * 500);
const server = await startServer(env, port);
const headers = { authorization: `Bearer ${key}` };
const enc = encodeURIComponent;
const paths = {
  name: samples.lastNames.map((n) => `/api/v1/orders?name=${enc(n)}`),
  'free text': samples.freeText.map((q) => `/api/v1/orders?q=${enc(q)}`),
};
try {
  for (const round of [1, 2]) {
    for (const [what, list] of Object.entries(paths)) {
      const p = await measureGets(port, list, headers);
      console.log(`round ${round} ${what}: p50 ${p.p50} ms  p95 ${p.p95} ms  p99 ${p.p99} ms  max ${p.max} ms`);
    }
  }
  const slowest = Number(process.env.BENCH_SLOWEST ?? 10);
  if (slowest > 0) {
    const timed: [number, string][] = [];
    for (const p of Object.values(paths).flat()) {
      const started = performance.now();
      await (await fetch(`http://127.0.0.1:${port}${p}`, { headers })).text();
      timed.push([performance.now() - started, decodeURIComponent(p)]);
    }
    timed.sort((a, b) => b[0] - a[0]);
    for (const [ms, p] of timed.slice(0, slowest)) console.log(`${ms.toFixed(1).padStart(7)} ms  ${p}`);
  }
} finally {
  await server.stop();
}

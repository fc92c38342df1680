/**
 * `npm run bench`: Orderdeck at a million orders, over HTTP, beside the bare database.
 *
 *   BENCH_ORDERS=1000000  orders to seed      BENCH_DIALECTS=sqlite,postgres
 *   BENCH_SECONDS=10      per throughput run  BENCH_SAMPLES=300  requests per latency figure
 *   BENCH_WORKERS=2       server processes for the side-by-side creation run (ORDERDECK_WORKERS)
 *
 * PostgreSQL runs when DATABASE_URL is set (a scratch database `orderdeck_bench` is created beside it).
 * Results go to bench/out/<dialect>.json and are printed as Markdown for BENCHMARKS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureCalls, measureGets, type Percentiles, timedGet } from './latency.js';
import { openRawPostgres, openRawSqlite, RAW, type RawDb, sampleValues } from './raw-db.js';
import { measureBackOffice } from './browser.js';
import { adminQuery, cli, postgresUrl, scratchPostgres, startServer } from './server.js';
import { describeMachine, measureMachine } from './machine.js';
import { measureOrderCreation } from './throughput.js';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const STAGES = ['quote_request', 'quote_sent', 'pre_ordered', 'accounts_receivable', 'pending_clearance', 'fraud_review', 'hold', 'shipping_department', 'completed_order', 'rejected'];
const dialects = (process.env.BENCH_DIALECTS ?? (process.env.DATABASE_URL ? 'sqlite,postgres' : 'sqlite')).split(',');

const enc = encodeURIComponent;

async function checkpoint(url: string): Promise<void> {
  const started = performance.now();
  await adminQuery(url, 'checkpoint');
  console.error(`[postgres] the seed written out (CHECKPOINT) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function benchDialect(dialect: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-bench-'));
  // BENCH_REUSE_PG=1 measures again on the PostgreSQL database the last run seeded (seeding it takes minutes).
  const reuse = dialect === 'postgres' && process.env.BENCH_REUSE_PG === '1' && fs.existsSync('bench/out/postgres.json');
  const previous = reuse ? (JSON.parse(fs.readFileSync('bench/out/postgres.json', 'utf8')) as { seedSeconds: number }) : undefined;
  const databaseUrl = dialect === 'postgres' ? (reuse ? postgresUrl('orderdeck_bench') : await scratchPostgres('orderdeck_bench')) : '';
  const env = { ...process.env, DATABASE_URL: databaseUrl, ORDERDECK_DATA_DIR: dataDir, ORDERDECK_DEMO_DATA: '0', LOG_LEVEL: 'warn', ORDERDECK_RATE_LIMIT: '100000000' };
  console.error(`\n[${dialect}] migrating and seeding ${ORDERS.toLocaleString()} orders…`);
  cli(['migrate'], env);
  const seedStart = performance.now();
  if (!previous) cli(['seed', '--orders', String(ORDERS)], env);
  const seedSeconds = previous ? previous.seedSeconds : Math.round((performance.now() - seedStart) / 100) / 10;
  // PostgreSQL is still writing the seed's gigabytes out (checkpoints every few seconds) when the seed
  // returns; measured then, creation ran at a third of its settled rate. Wait for that write-out here.
  if (dialect === 'postgres' && !previous) await checkpoint(databaseUrl);
  if (!previous) cli(['user', 'add', '--email', 'bench@example.com', '--name', 'Bench', '--role', 'admin', '--password', 'bench password 123'], env);
  const key = cli(['api-key', 'create', '--email', 'bench@example.com', '--name', 'bench'], env).match(/odk_\S+/)?.[0];
  if (!key) throw new Error('could not create an API key');

  const raw: RawDb = dialect === 'postgres' ? openRawPostgres(databaseUrl) : openRawSqlite(path.join(dataDir, 'orderdeck.sqlite'));
  const samples = await sampleValues(raw, SAMPLES);
  const port = 31000 + Math.floor(Math.random() * 1000);
  const server = await startServer(env, port);
  const headers = { authorization: `Bearer ${key}` };
  const pick = <T>(xs: T[]) => Array.from({ length: SAMPLES }, (_, i) => xs[i % xs.length]!);

  console.error(`[${dialect}] collecting deep cursors…`);
  const deepCursors: string[] = [];
  let cursor: string | null = null;
  // Deep means past 100,000 orders (or half the data set when it is smaller).
  const deepFromPage = Math.min(500, Math.floor(ORDERS / 400));
  for (let page = 0; deepCursors.length < SAMPLES && page < 4000; page++) {
    const res = await timedGet(port, `/api/v1/orders?limit=200${cursor ? `&cursor=${enc(cursor)}` : ''}`, headers);
    cursor = (JSON.parse(res.body) as { nextCursor: string | null }).nextCursor;
    if (!cursor) break;
    if (page >= deepFromPage) deepCursors.push(cursor);
  }

  console.error(`[${dialect}] measuring latency…`);
  const latency: Record<string, Percentiles> = {
    'stage queue, first page (50)': await measureGets(port, pick(STAGES).map((s) => `/api/v1/orders?stage=${s}&limit=50`), headers),
    'page deep in the cursor (>100k in)': await measureGets(port, pick(deepCursors).map((c) => `/api/v1/orders?limit=50&cursor=${enc(c)}`), headers),
    'search by email': await measureGets(port, samples.emails.map((e) => `/api/v1/orders?email=${enc(e)}`), headers),
    'search by order-id prefix': await measureGets(port, samples.orderPrefixes.map((p) => `/api/v1/orders?orderId=${enc(p)}`), headers),
    'search by name': await measureGets(port, samples.lastNames.map((n) => `/api/v1/orders?name=${enc(n)}`), headers),
    'search by SKU': await measureGets(port, samples.skus.map((s) => `/api/v1/orders?sku=${enc(s)}`), headers),
    'free text (name + city)': await measureGets(port, samples.freeText.map((q) => `/api/v1/orders?q=${enc(q)}`), headers),
    'stage counts': await measureGets(port, pick(['/api/v1/stages']), headers),
  };
  const rawLatency: Record<string, Percentiles> = {
    'stage queue, first page (50)': await measureCalls(pick(STAGES), (s) => raw.query(RAW.stagePage, [s])),
    'search by email': await measureCalls(samples.emails, (e) => raw.query(RAW.byEmail, [e.toLowerCase()])),
    'stage counts': await measureCalls(pick(['x']), () => raw.query(RAW.stageCounts, [])),
    'COUNT(*) GROUP BY stage (what we avoid)': await measureCalls(Array(10).fill(0), () => raw.query(RAW.countScan, []), 2),
  };

  console.error(`[${dialect}] measuring the back office in Chromium…`);
  const backOffice = await measureBackOffice(`http://127.0.0.1:${port}`, 'bench@example.com', 'bench password 123', samples.emails);

  console.error(`[${dialect}] measuring order creation…`);
  const creation = [await measureOrderCreation(port, key, 1, SECONDS), await measureOrderCreation(port, key, 16, SECONDS)];
  const memory = server.memory();
  await server.stop();

  // The same 16 clients against `serve` with several worker processes (ORDERDECK_WORKERS), side by side.
  console.error(`[${dialect}] measuring order creation with ${WORKERS} server processes…`);
  const workersServer = await startServer({ ...env, ORDERDECK_WORKERS: String(WORKERS) }, port + 1);
  await measureOrderCreation(port + 1, key, 4, 3); // warm-up: every worker's JIT and connections
  const creationWorkers = { workers: WORKERS, ...(await measureOrderCreation(port + 1, key, 16, SECONDS)), memory: workersServer.memory() };
  await workersServer.stop();
  await raw.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { dialect, orders: ORDERS, seedSeconds, latency, rawLatency, creation, creationWorkers, memory, backOffice };
}

const results = [];
const machine = await measureMachine();
for (const d of dialects) results.push(await benchDialect(d));
fs.mkdirSync('bench/out', { recursive: true });
for (const r of results) fs.writeFileSync(`bench/out/${r.dialect}.json`, JSON.stringify({ ...r, machine }, null, 2));
console.log(`\n${describeMachine(machine)}`);

for (const r of results) {
  console.log(`\n### ${r.dialect}: ${r.orders.toLocaleString()} orders (seeded in ${r.seedSeconds} s)\n`);
  console.log('| query (HTTP, 1 client) | p50 ms | p95 ms | p99 ms | raw p50 ms | HTTP/raw (p50) |\n| --- | --- | --- | --- | --- | --- |');
  for (const [name, p] of Object.entries(r.latency)) {
    const rawP = r.rawLatency[name];
    console.log(`| ${name} | ${p.p50} | ${p.p95} | ${p.p99} | ${rawP ? rawP.p50 : '—'} | ${rawP ? `${(p.p50 / Math.max(rawP.p50, 0.001)).toFixed(1)}×` : '—'} |`);
  }
  const scan = r.rawLatency['COUNT(*) GROUP BY stage (what we avoid)']!;
  console.log(`\nRaw COUNT(*) GROUP BY stage: p50 ${scan.p50} ms (maintained counts: ${r.rawLatency['stage counts']!.p50} ms).`);
  console.log('\n| order creation | orders/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- |');
  for (const c of r.creation) console.log(`| ${c.connections} client(s) | ${c.ordersPerSecond} | ${c.p50Ms} | ${c.p99Ms} | ${c.errors} |`);
  const w = r.creationWorkers;
  console.log(`| 16 clients, ${w.workers} server processes | ${w.ordersPerSecond} | ${w.p50Ms} | ${w.p99Ms} | ${w.errors} |`);
  console.log(`\n(${w.workers} server processes: RSS ${w.memory.rssMb} MB added up, peak ${w.memory.peakRssMb} MB.)`);
  console.log(`\nServer memory after the run: RSS ${r.memory.rssMb} MB, peak ${r.memory.peakRssMb} MB.`);
  const b = r.backOffice;
  if (b) {
    console.log('\n| back office (Chromium) | p50 ms | p95 ms | max ms |\n| --- | --- | --- | --- |');
    for (const [name, p] of [['View All Orders, cold navigation', b.coldLoad], ['next page', b.nextPage], ['quick search (e-mail)', b.filter]] as const) {
      console.log(`| ${name} | ${p.p50} | ${p.p95} | ${p.max} |`);
    }
    console.log(`\nFirst load transferred: ${b.firstLoadKb.js} kB JS, ${b.firstLoadKb.css} kB CSS (compressed as sent).`);
  }
}

/**
 * A yardstick for the machine a benchmark ran on. The bench machines are shared two-core VMs whose speed
 * changes from one day to the next: the same build has measured 2.5× apart. So each run also measures
 * two bare things the order path is made of: a Fastify route under the same load generator (the
 * project's reference machine served it at 16–17k requests/s, ../shared/design/TOOLCHAIN.md), and
 * single-row SQLite commits in WAL mode on the disk the benchmarks' databases live on. Figures from
 * different days compare through these.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';

const BARE_SERVER = `
  import Fastify from 'fastify';
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.stdout.write('up\\n');
`;

export interface MachineYardstick {
  /** Requests per second of a bare Fastify GET, 10 connections, median of three 3-second runs. */
  bareFastifyRps: number;
  /** Transactions per second, each inserting one row (WAL, synchronous=NORMAL, as Orderdeck runs), median of three. */
  sqliteCommitsPerSecond: number;
}

export async function measureMachine(): Promise<MachineYardstick> {
  const port = 39000 + Math.floor(Math.random() * 500);
  const child = spawn(process.execPath, ['--input-type=module', '-e', BARE_SERVER], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the bare server exited (${code})`)));
    });
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, duration: 3 });
      runs.push(Math.round(r.requests.average));
    }
    return { bareFastifyRps: runs.sort((a, b) => a - b)[1]!, sqliteCommitsPerSecond: measureCommits() };
  } finally {
    child.kill('SIGTERM');
  }
}

function measureCommits(): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-yardstick-'));
  const db = new Database(path.join(dir, 'y.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('create table t (id integer primary key, v text not null)');
    const insert = db.prepare('insert into t (v) values (?)');
    const once = db.transaction((v: string) => insert.run(v));
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const start = performance.now();
      for (let i = 0; i < 3000; i++) once(`row ${i}`);
      runs.push(Math.round(3000 / ((performance.now() - start) / 1000)));
    }
    return runs.sort((a, b) => a - b)[1]!;
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const describeMachine = (m: MachineYardstick): string =>
  `Machine yardstick, same run: a bare Fastify GET served ${m.bareFastifyRps.toLocaleString('en-US')} requests/s (reference machine: 16–17k); ` +
  `SQLite committed ${m.sqliteCommitsPerSecond.toLocaleString('en-US')} single-row transactions/s in ${os.tmpdir()}.`;

if (import.meta.url === `file://${process.argv[1]}`) console.log(describeMachine(await measureMachine()));

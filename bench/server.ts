import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';

const CLI = ['bin/orderdeck.js'];

/** Runs an orderdeck CLI command to completion and returns its stdout. */
export function cli(args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(process.execPath, [...CLI, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
}

export interface RunningServer {
  child: ChildProcess;
  port: number;
  /** Peak and current resident memory of the server process, in MB. */
  memory(): { rssMb: number; peakRssMb: number };
  stop(): Promise<void>;
}

export async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<RunningServer> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...CLI, 'serve'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // With ORDERDECK_WORKERS > 1 the server is the primary and its workers: their memory is added up.
  const pids = () => [child.pid!, ...fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number)];
  const readKb = (field: string) => pids().reduce((sum, pid) => {
    try {
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return sum + (m ? Number(m[1]) / 1024 : 0);
    } catch {
      return sum; // exited meanwhile
    }
  }, 0);
  return {
    child,
    port,
    memory: () => ({ rssMb: Math.round(readKb('VmRSS')), peakRssMb: Math.round(readKb('VmHWM')) }),
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** Runs `statements` one after another on a connection of their own (statements no pool may run: create database, checkpoint). */
export async function adminQuery(url: string, ...statements: string[]): Promise<void> {
  // $USER is empty on some machines; pg would otherwise send an empty user name.
  const admin = new pg.Client({ connectionString: url, user: new URL(url).username || 'postgres' });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** The URL of database `name` beside DATABASE_URL's. */
export function postgresUrl(name: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh PostgreSQL database beside DATABASE_URL's (dropped first if a run left it), and its URL. */
export async function scratchPostgres(name: string): Promise<string> {
  await adminQuery(process.env.DATABASE_URL!, `drop database if exists ${name} with (force)`, `create database ${name}`);
  return postgresUrl(name);
}

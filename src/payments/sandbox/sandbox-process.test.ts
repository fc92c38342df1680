import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../test-support/ports.js';
import { createHttpGateway } from '../gateway/http-gateway.js';

/** The sandbox as operators run it: inside `serve` by default, or as `orderdeck sandbox-gateway`. */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv, ready: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-sandbox-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', ORDERDECK_DATA_DIR: dataDir, ORDERDECK_DEMO_DATA: '0', ORDERDECK_GATEWAY_URL: '', ORDERDECK_GATEWAY_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const started = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => output.includes(ready) && (clearInterval(timer), resolve()), 50);
    child.once('exit', (code) => (clearInterval(timer), reject(new Error(`exited early (${code}): ${output}`))));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const secret = () => fs.readFileSync(path.join(dataDir, 'gateway-secret'), 'utf8').trim();
  return { child, started, exited, dataDir, secret, output: () => output };
}

const visa = { type: 'card' as const, number: '4111111111111111', expMonth: 12, expYear: 2034 };

describe('the sandbox gateway process', { timeout: 60_000 }, () => {
  it('`orderdeck sandbox-gateway` serves with a secret kept in the data directory and stops on SIGTERM', async () => {
    const port = await freePorts();
    const p = run(['sandbox-gateway', '--port', String(port)], {}, 'sandbox gateway listening');
    await p.started;
    expect(fs.statSync(path.join(p.dataDir, 'gateway-secret')).mode & 0o777).toBe(0o600);
    const gateway = createHttpGateway({ baseUrl: `http://127.0.0.1:${port}`, secret: p.secret() });
    expect(await gateway.sale({ idempotencyKey: randomUUID(), amount: 100, currency: 'USD', reference: 'o', source: visa })).toMatchObject({ kind: 'approved' });
    expect(p.output()).not.toContain('4111111111111111');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('`serve` starts the sandbox on its own port and receives its signed notifications', async () => {
    const port = await freePorts(2);
    const sandboxPort = port + 1;
    const p = run(['serve'], { PORT: String(port), ORDERDECK_SANDBOX_PORT: String(sandboxPort), LOG_LEVEL: 'info' }, 'sandbox payment gateway listening');
    await p.started;
    const secret = p.secret();
    const gateway = createHttpGateway({ baseUrl: `http://127.0.0.1:${sandboxPort}`, secret });
    const sale = await gateway.sale({ idempotencyKey: randomUUID(), amount: 2500, currency: 'USD', reference: 'o', source: visa });
    if (sale.kind !== 'approved') throw new Error(sale.kind);
    const chargeback = await fetch(`http://127.0.0.1:${sandboxPort}/sandbox/transactions/${sale.reference}/chargeback`, {
      method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{}',
    });
    expect(chargeback.status).toBe(200);

    const db = new Sqlite(path.join(p.dataDir, 'orderdeck.sqlite'), { readonly: true });
    try {
      let rows: { type: string; status: string }[] = [];
      for (let i = 0; i < 100 && rows.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = db.prepare('select type, status from gateway_events where reference = ?').all(sale.reference) as typeof rows;
      }
      // No order of ours has this transaction (it was made straight against the sandbox): recorded, and ignored.
      expect(rows).toEqual([{ type: 'chargeback', status: 'ignored' }]);
    } finally {
      db.close();
    }
    expect(p.output()).not.toContain('4111111111111111');
    expect(p.output()).not.toContain(secret);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${sandboxPort}/health`)).rejects.toThrow();
  });
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../test-support/ports.js';

/** Starts the real CLI (`serve`) on a free port with a fresh data directory. */
function startServer(port: number, dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: { ...process.env, PORT: String(port), ORDERDECK_DATA_DIR: dataDir, ORDERDECK_DEMO_DATA: '0', ORDERDECK_ADMIN_EMAIL: 'boss@example.com', ORDERDECK_ADMIN_PASSWORD: 'a long enough password', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Server listening')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`server exited early (${code}): ${output}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, listening, exited, output: () => output };
}

describe('the server process', () => {
  it('starts with migrations and a first admin, and shuts down cleanly on SIGTERM after in-flight requests finish', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-serve-'));
    const port = await freePorts();
    const server = startServer(port, dataDir);
    await server.listening;
    expect(fs.existsSync(path.join(dataDir, 'orderdeck.sqlite'))).toBe(true);
    expect(server.output()).toContain('Orderdeck admin created: boss@example.com');
    expect(server.output()).not.toContain('a long enough password');

    // A request whose body is still arriving when SIGTERM lands must still get its answer.
    const body = JSON.stringify({ email: 'boss@example.com', password: 'wrong password here' });
    const answered = new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 300);
    });
    expect(await answered).toBe(401);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shutting down');
    await expect(fetch(`http://127.0.0.1:${port}/api/v1/health`)).rejects.toThrow();
  }, 30_000);
});

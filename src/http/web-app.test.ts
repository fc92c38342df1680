import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebApp } from './web-app.js';

describe('serving the back office', () => {
  let dir: string;
  let app: FastifyInstance;
  const script = 'console.log("orderdeck");'.repeat(100);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orderdeck-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Orderdeck</title>');
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), script);
    writeFileSync(join(dir, 'assets', 'app-abc123.js.br'), brotliCompressSync(script));
    app = Fastify();
    await registerWebApp(app, dir);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends hashed assets compressed when the browser accepts it, cached for a year', async () => {
    const br = await app.inject({ url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.rawPayload.length).toBeLessThan(script.length / 5);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const plain = await app.inject({ url: '/assets/app-abc123.js' });
    expect(plain.body).toBe(script);
  });

  it('answers a bookmarked page with the app, never cached, and unknown API or asset paths with a 404 problem', async () => {
    const deep = await app.inject({ url: '/orders/OD-1000123?tab=history', headers: { accept: 'text/html' } });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<title>Orderdeck</title>');
    expect(deep.headers['cache-control']).toBe('no-cache');
    // The signed-in back office cannot be framed by another site (clickjacking its buttons).
    expect(deep.headers['x-frame-options']).toBe('DENY');
    expect(deep.headers['content-security-policy']).toBe("frame-ancestors 'none'");
    for (const url of ['/api/v1/nothing-here', '/assets/missing.js']) {
      const res = await app.inject({ url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await app.inject({ url: '/orders', headers: { accept: 'application/json' } })).statusCode).toBe(404);
  });
});

import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDatabase, type Db } from '../db/database.js';
import { testConfig } from '../test-support/app.js';
import { buildApp } from './app.js';

/*
 * A request that reaches a draining server (SIGTERM → app.close()) on a connection still open. inject()
 * refuses to run once closing has begun, so this listens on a port and holds the close in its
 * preClose phase, while the server still accepts connections, for as long as the test needs.
 */
let db: Db;
beforeAll(() => {
  db = createDatabase({ sqlitePath: ':memory:' });
});
afterAll(async () => db.destroy());

it('answers requests during shutdown with a 503 problem+json, a stable code and Retry-After', async () => {
  const app = await buildApp({ config: testConfig(), db });
  let closing!: () => void;
  const closingStarted = new Promise<void>((resolve) => (closing = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  app.addHook('preClose', async () => {
    closing();
    await released;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;

  const closed = app.close();
  try {
    await closingStarted;
    // The health probe (which has a 503 body of its own), a route needing a signed-in caller, and no route at all.
    for (const path of ['/api/v1/health', '/api/v1/orders', '/api/v1/no-such-thing']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(res.headers.get('connection')).toBe('close');
      const body = await res.json() as Record<string, unknown>;
      expect(body).toMatchObject({ status: 503, code: 'unavailable', type: 'https://orderdeck.dev/problems/unavailable' });
      expect(body.detail).toMatch(/shutting down/);
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
    }
  } finally {
    release();
    await closed;
  }
});

import { expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { IDEMPOTENCY_RETENTION_MS, pruneIdempotencyKeys } from './idempotency-retention.js';

describeEachDatabase('idempotency key retention', (getDb) => {
  it('deletes the keys past their retention, in batches, and keeps the recent ones', async () => {
    const { db } = getDb();
    const now = Date.now();
    const cutoff = now - IDEMPOTENCY_RETENTION_MS;
    const row = (key: string, createdAt: number) => ({
      principal: 'apikey:1', key, method: 'POST', path: '/api/v1/orders', request_hash: 'h', status_code: 201, response_json: '{}', created_at: createdAt,
    });
    // More than two batches of old keys, several sharing a millisecond at a batch's edge.
    const old = Array.from({ length: 2503 }, (_, i) => row(`old-${i}`, cutoff - 10_000 + Math.floor(i / 3)));
    for (let i = 0; i < old.length; i += 500) await db.insertInto('idempotency_keys').values(old.slice(i, i + 500)).execute();
    await db.insertInto('idempotency_keys').values([row('recent-1', now - 60_000), row('at-cutoff', cutoff)]).execute();

    expect(await pruneIdempotencyKeys(db, cutoff)).toBe(2503);
    const left = await db.selectFrom('idempotency_keys').select('key').orderBy('key').execute();
    expect(left.map((r) => r.key)).toEqual(['at-cutoff', 'recent-1']);
    expect(await pruneIdempotencyKeys(db, cutoff)).toBe(0);

    const stop = new AbortController();
    stop.abort();
    expect(await pruneIdempotencyKeys(db, now, stop.signal)).toBe(0);
  });
});

import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import { startPaymentTestEnv } from '../test-support/payments.js';

/** What a client can see of a response: a replay must show exactly this again. */
const seen = (res: LightMyRequestResponse) => ({
  status: res.statusCode, etag: res.headers.etag, location: res.headers.location, type: res.headers['content-type'], body: res.json() as unknown,
});

describeEachDatabase('a replayed Idempotency-Key answers with the first response, not the record as it is now', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const create = (app: TestApp, payload: object, key: string) =>
    app.as('admin', { method: 'POST', url: '/api/v1/orders', payload, headers: { 'idempotency-key': key } });
  const hold = async (app: TestApp, orderId: string) => {
    const res = await app.as('admin', { method: 'POST', url: `/api/v1/orders/${orderId}/stage`, payload: { stage: 'hold', reason: 'customer called' } });
    expect(res.statusCode, res.body).toBe(200);
  };

  it('a created order, moved on since, replays as it was created', async () => {
    const input = orderInput();
    const first = await create(t, input, 'replay-created');
    expect(first.statusCode, first.body).toBe(201);
    await hold(t, first.json().orderId);

    const retry = await create(t, input, 'replay-created');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(seen(retry)).toEqual(seen(first));
    expect(retry.json().stage).not.toBe('hold');
  });

  it('a key whose first attempt never answered is answered from the order, and that answer is kept', async () => {
    const input = orderInput();
    const first = await create(t, input, 'replay-unanswered');
    // As the row stands when the attempt died between its commit and its response: the reference only.
    await t.db.updateTable('idempotency_keys').set({ response_json: JSON.stringify({ orderId: first.json().orderId }) })
      .where('key', '=', 'replay-unanswered').execute();
    await hold(t, first.json().orderId);

    const answered = await create(t, input, 'replay-unanswered');
    expect(answered.statusCode, answered.body).toBe(201);
    expect(answered.json()).toMatchObject({ orderId: first.json().orderId, stage: 'hold' });
    await t.as('admin', { method: 'POST', url: `/api/v1/orders/${first.json().orderId}/tags`, payload: { tags: ['later'] } });
    expect(seen(await create(t, input, 'replay-unanswered'))).toEqual(seen(answered));
  });

  it('an order charged after commit replays as the gateway\'s answer left it', async () => {
    const env = await startPaymentTestEnv(getDb().db);
    try {
      const input = orderInput({ payment: (await env.card()) as never });
      const first = await create(env.t, input, 'replay-charged');
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed' } });
      await hold(env.t, first.json().orderId);

      const retry = await create(env.t, input, 'replay-charged');
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(seen(retry)).toEqual(seen(first));
      expect(env.sandbox.log().filter((e) => e.operation === 'sale')).toHaveLength(1);
    } finally {
      await env.close();
    }
  });
});

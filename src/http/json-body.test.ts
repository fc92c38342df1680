import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8'];

/** Many clients send Content-Type: application/json on every request; with no content, that is no body. */
describeEachDatabase('empty bodies named as JSON', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const item = async (sku: string) => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/items', payload: { sku, description: 'Brass gear', price: 100, currency: 'USD' } });
    expect(res.statusCode, res.body).toBe(201);
  };

  it('accepts a DELETE with a JSON content type and no content', async () => {
    for (const [i, type] of JSON_TYPES.entries()) {
      for (const payload of [undefined, '']) {
        const sku = `EMPTY-${process.pid}-${i}-${payload === undefined ? 'none' : 'blank'}`;
        await item(sku);
        const res = await t.as('admin', { method: 'DELETE', url: `/api/v1/items/${sku}`, headers: { 'content-type': type }, ...(payload === undefined ? {} : { payload }) });
        expect(res.statusCode, `${type} ${res.body}`).toBe(204);
      }
    }
    const order = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ isTest: true }) });
    expect(order.statusCode, order.body).toBe(201);
    const url = `/api/v1/orders/${order.json().orderId}`;
    const tag = await t.as('admin', { method: 'DELETE', url: `${url}/tags/vip`, headers: { 'content-type': 'application/json' } });
    expect(tag.statusCode, tag.body).toBe(200);
    expect((await t.as('admin', { method: 'DELETE', url, headers: { 'content-type': 'application/json' } })).statusCode).toBe(204);
  });

  it('gets past body parsing on every route that takes no body, never a 5xx', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const bodiless = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops)
      .filter(([method, op]) => method !== 'get' && !op.requestBody && !path.includes('/notifications/'))
      .map(([method]) => [method.toUpperCase(), path.replace(/\{[^}]+\}/g, '999999')] as const));
    expect(bodiless.length).toBeGreaterThan(5);
    for (const [method, url] of bodiless) {
      const res = await t.as('admin', { method: method as 'DELETE', url, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(500);
      if (res.statusCode === 400) expect(res.json().code, `${method} ${url}: ${res.body}`).not.toBe('malformed_json');
    }
  });

  it('still refuses a missing body where one is needed, naming the body, and malformed JSON as before', async () => {
    const expected = { status: 400, code: 'validation_failed', field: '/', detail: 'the request body is empty; this request needs a JSON body' };
    for (const headers of [{ 'content-type': 'application/json' }, {}]) {
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/items', headers })).json()).toMatchObject(expected);
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/orders', headers, payload: '' })).json()).toMatchObject(expected);
    }
    await item(`EMPTY-PATCH-${process.pid}`);
    const patch = await t.as('admin', { method: 'PATCH', url: `/api/v1/items/EMPTY-PATCH-${process.pid}`, headers: { 'content-type': 'application/json', 'if-match': '"v1"' } });
    expect(patch.json()).toMatchObject(expected);
    for (const payload of [' ', '{"sku": ', 'null x']) {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/items', headers: { 'content-type': 'application/json' }, payload });
      expect(res.json(), payload).toMatchObject({ status: 400, code: 'malformed_json', field: '/' });
    }
    const poisoned = await t.as('admin', { method: 'POST', url: '/api/v1/items', headers: { 'content-type': 'application/json' }, payload: '{"__proto__": {"x": 1}}' });
    expect(poisoned.statusCode).toBe(400);
  });
});

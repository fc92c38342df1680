import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import { parseIfMatch } from './versioning.js';

describe('parseIfMatch (RFC 9110 §13.1.1)', () => {
  it('reads *, lists (with empty elements), weak and foreign tags', () => {
    expect(parseIfMatch(' * ')).toEqual({ any: true });
    expect(parseIfMatch('"v1", "v4"')).toEqual({ any: false, versions: [1, 4], weak: 0 });
    expect(parseIfMatch(', "v2" ,,')).toEqual({ any: false, versions: [2], weak: 0 });
    expect(parseIfMatch('W/"v3"')).toEqual({ any: false, versions: [], weak: 1 });
    expect(parseIfMatch('"abc", "v,1"')).toEqual({ any: false, versions: [], weak: 0 });
  });

  it('refuses what is not an entity-tag list with a 400 naming If-Match', () => {
    for (const bad of ['garbage', 'v3', '"v1" "v2"', '"v1', ',', '', '*, "v1"', '"v\\"1"']) {
      const error = (() => { try { parseIfMatch(bad); } catch (e) { return e; } return undefined; })();
      expect(error, bad).toBeInstanceOf(AppError);
      expect(error, bad).toMatchObject({ code: 'validation_failed', field: 'If-Match' });
    }
  });
});

describeEachDatabase('If-Match and a body version on the routes', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  /** A new order edited once, so it is at version 2 and version 1 is stale. */
  const orderAtVersion2 = async () => {
    const orderId = (await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput() })).json().orderId as string;
    const edit = await t.as('admin', { method: 'PATCH', url: `/api/v1/orders/${orderId}`, payload: { tags: ['first'], version: 1 } });
    expect(edit.headers.etag, edit.body).toBe('"v2"');
    return orderId;
  };
  const patch = (orderId: string, ifMatch: string | undefined, payload: object) => t.as('admin', {
    method: 'PATCH', url: `/api/v1/orders/${orderId}`, payload, headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
  });
  const versionOf = async (orderId: string) => (await t.as('admin', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json().version as number;

  it('refuses a body version that disagrees with a current If-Match, on edits and moves alike', async () => {
    const orderId = await orderAtVersion2();
    const edit = await patch(orderId, '"v2"', { tags: ['x'], version: 1 });
    expect(edit.statusCode, edit.body).toBe(400);
    expect(edit.headers['content-type']).toContain('application/problem+json');
    expect(edit.json()).toMatchObject({ code: 'validation_failed', field: '/version' });
    const move = await t.as('admin', {
      method: 'POST', url: `/api/v1/orders/${orderId}/stage`, payload: { stage: 'hold', reason: 'check', version: 1 }, headers: { 'if-match': '"v2"' },
    });
    expect(move.statusCode, move.body).toBe(400);
    expect(move.json()).toMatchObject({ field: '/version' });
    expect(await versionOf(orderId)).toBe(2);
    // Agreeing, both are fine.
    expect((await patch(orderId, '"v2"', { tags: ['y'], version: 2 })).statusCode).toBe(200);
  });

  it('matches a list if any entry matches, and * as any version', async () => {
    const orderId = await orderAtVersion2();
    expect((await patch(orderId, '"v1", "v2"', { tags: ['listed'] })).headers.etag).toBe('"v3"');
    expect((await patch(orderId, '"v1", "v2"', { tags: ['stale'] })).statusCode).toBe(412);
    // * names no version: enough for a move, not for an edit, which must say what it was based on.
    const move = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${orderId}/stage`, payload: { stage: 'hold', reason: 'check' }, headers: { 'if-match': '*' } });
    expect(move.statusCode, move.body).toBe(200);
    const edit = await patch(orderId, '*', { tags: ['any'] });
    expect(edit.statusCode).toBe(428);
    expect(edit.json().detail).toContain('*');
    expect((await patch(orderId, '*', { tags: ['any'], version: 4 })).statusCode).toBe(200);
  });

  it('refuses a weak or foreign ETag with 412 saying why, and an unparseable one with 400', async () => {
    const orderId = await orderAtVersion2();
    const weak = await patch(orderId, 'W/"v2"', { tags: ['weak'] });
    expect(weak.statusCode).toBe(412);
    expect(weak.json()).toMatchObject({ code: 'precondition_failed', field: 'If-Match' });
    expect(weak.json().detail).toMatch(/weak/);
    const foreign = await patch(orderId, '"abc"', { tags: ['foreign'] });
    expect(foreign.statusCode).toBe(412);
    expect(foreign.json().detail).not.toContain('-1');
    const garbage = await patch(orderId, 'garbage', { tags: ['garbage'] });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json()).toMatchObject({ code: 'validation_failed', field: 'If-Match' });
    expect(garbage.json().detail).toContain('If-Match');
    expect(await versionOf(orderId)).toBe(2);
  });
});

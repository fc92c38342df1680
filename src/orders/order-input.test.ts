import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import { normalizeIp } from './order-input.js';

describe('normalizeIp', () => {
  it('keeps IPv4 and IPv6 addresses, treats blank as unknown, and refuses anything else', () => {
    expect(normalizeIp('203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIp(' 2001:db8::1 ')).toBe('2001:db8::1');
    expect(normalizeIp('::ffff:203.0.113.7')).toBe('::ffff:203.0.113.7');
    expect(normalizeIp(undefined)).toBeNull();
    expect(normalizeIp('  ')).toBeNull();
    for (const bad of ['not-an-ip<script>', '203.0.113.256', '203.0.113', 'example.com', '2001:db8::1::2', '1.2.3.4/24']) {
      expect(() => normalizeIp(bad), bad).toThrow(expect.objectContaining({ code: 'validation_failed', field: '/customer/ip' }));
    }
  });
});

describeEachDatabase('customer IP on a new order', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const place = (ip: string) => {
    const input = orderInput();
    return t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: { ...input, customer: { ...input.customer, ip } } });
  };
  const orderCount = async () => Number((await t.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('refuses an IP that is not an address with 400 at /customer/ip, and stores nothing', async () => {
    const before = await orderCount();
    const res = await place('not-an-ip<script>');
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'validation_failed', field: '/customer/ip', status: 400 });
    expect(await orderCount()).toBe(before);
  });

  it('stores an IPv6 address as sent', async () => {
    const res = await place('2001:db8:85a3::8a2e:370:7334');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().customer.ip).toBe('2001:db8:85a3::8a2e:370:7334');
  });
});

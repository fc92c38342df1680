import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsFor } from '../outbox/outbox.repository.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';

let n = 0;
const uniqueEmail = (label = 'customer') => `${label}.${process.pid}.${++n}@example.com`;
const billing = { firstName: 'Ada', lastName: 'Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'n1 9gu', country: 'GB' };

describeEachDatabase('customers API', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const create = async (payload: Record<string, unknown> = {}) => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/customers', payload: { email: uniqueEmail(), ...payload } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const byEmail = async (email: string) => {
    const res = await t.as('admin', { method: 'GET', url: `/api/v1/customers?emailPrefix=${encodeURIComponent(email)}` });
    return (res.json() as { items: { id: number; email: string; orderCount: number }[] }).items.find((c) => c.email === email);
  };

  it('creates, reads, edits and deletes a customer, normalising email, address and phone', async () => {
    const email = uniqueEmail('Ada.Lovelace').replace('ada', 'ADA');
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/customers', payload: { email, phone: '020 7946 0958', billing } });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(res.headers.location).toBe(`/api/v1/customers/${created.id}`);
    expect(res.headers.etag).toBe('"v1"');
    expect(created).toMatchObject({
      email: email.toLowerCase(), firstName: 'Ada', lastName: 'Lovelace', company: null, phone: '+442079460958',
      billing: { ...billing, postalCode: 'N1 9GU' }, shipping: null, orderCount: 0, version: 1,
    });

    const got = await t.as('read_only', { method: 'GET', url: `/api/v1/customers/${created.id}` });
    expect(got.headers.etag).toBe('"v1"');
    expect(got.json()).toEqual(created);

    const edited = await t.as('customer_service', {
      method: 'PATCH', url: `/api/v1/customers/${created.id}`, headers: { 'if-match': '"v1"' },
      payload: { company: 'Analytical Engines Ltd', shipping: { ...billing, line1: '1 Babbage Row', phone: '+1 703 555 0100' } },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.headers.etag).toBe('"v2"');
    expect(edited.json()).toMatchObject({ company: 'Analytical Engines Ltd', shipping: { line1: '1 Babbage Row', phone: '+17035550100' }, version: 2 });

    const cleared = await t.as('admin', { method: 'PATCH', url: `/api/v1/customers/${created.id}`, payload: { company: null, shipping: null, version: 2 } });
    expect(cleared.json()).toMatchObject({ company: null, shipping: null, version: 3 });

    expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/customers/${created.id}` })).statusCode).toBe(204);
    expect((await t.as('admin', { method: 'GET', url: `/api/v1/customers/${created.id}` })).statusCode).toBe(404);
    const events = await listEventsFor(t.db, 'customer', String(created.id));
    expect(events.map((e) => e.topic)).toEqual(['customer.created', 'customer.updated', 'customer.updated', 'customer.deleted']);
    expect(JSON.parse(events[1]!.payload_json)).toMatchObject({ changes: ['company', 'shipping'], by: expect.stringMatching(/^api_key:\d+ test customer_service$/) });
  });

  it('refuses a duplicate email, whatever its case, with 409 naming /email', async () => {
    const first = await create();
    const dup = await t.as('admin', { method: 'POST', url: '/api/v1/customers', payload: { email: first.email.toUpperCase() } });
    expect(dup.json()).toMatchObject({ status: 409, code: 'conflict', field: '/email' });
    const other = await create();
    const clash = await t.as('admin', { method: 'PATCH', url: `/api/v1/customers/${other.id}`, payload: { email: first.email, version: 1 } });
    expect(clash.json()).toMatchObject({ status: 409, field: '/email' });
    expect((await t.as('admin', { method: 'GET', url: `/api/v1/customers/${other.id}` })).json()).toMatchObject({ email: other.email, version: 1 });
  });

  it('needs the version it read: 428 without, 412/409 when stale, and a stale write changes nothing', async () => {
    const customer = await create({ firstName: 'Grace' });
    const url = `/api/v1/customers/${customer.id}`;
    expect((await t.as('admin', { method: 'PATCH', url, payload: { lastName: 'Hopper' } })).json()).toMatchObject({ status: 428, code: 'precondition_required' });
    expect((await t.as('admin', { method: 'PATCH', url, payload: { lastName: 'Hopper' }, headers: { 'if-match': '"v1"' } })).statusCode).toBe(200);
    const stale = await t.as('admin', { method: 'PATCH', url, payload: { lastName: 'Lost' }, headers: { 'if-match': '"v1"' } });
    expect(stale.json()).toMatchObject({ status: 412, code: 'precondition_failed' });
    expect((await t.as('admin', { method: 'PATCH', url, payload: { lastName: 'Lost', version: 1 } })).json()).toMatchObject({ status: 409, code: 'version_conflict' });
    expect((await t.as('admin', { method: 'GET', url })).json()).toMatchObject({ lastName: 'Hopper', version: 2 });
  });

  describe('bad input is a 400 naming the field', () => {
    it.each([
      ['unknown country', { billing: { ...billing, country: 'XX' } }, '/billing/country'],
      ['national phone without an address', { phone: '020 7946 0958' }, '/phone'],
      ['impossible phone', { phone: '12', billing }, '/phone'],
      ['impossible international phone', { phone: '+1 2' }, '/phone'],
      ['bad email', { email: 'not-an-email' }, '/email'],
      ['read-only orderCount', { orderCount: 5 }, '/orderCount'],
    ])('%s', async (_name, overrides, field) => {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/customers', payload: { email: uniqueEmail(), ...overrides } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', field });
    });

    it('accepts an international phone without an address, and checks the phone again when the address goes', async () => {
      const customer = await create({ phone: '+44 20 7946 0958' });
      expect(customer.phone).toBe('+442079460958');
      const withAddress = await create({ phone: '020 7946 0958', billing });
      const res = await t.as('admin', { method: 'PATCH', url: `/api/v1/customers/${withAddress.id}`, payload: { billing: null, phone: '020 7946 0958', version: 1 } });
      expect(res.json()).toMatchObject({ status: 400, field: '/phone' });
    });
  });

  it('pages through customers exactly once, by id and by email, and filters by name', async () => {
    const tag = `walk${process.pid}`;
    const made = [];
    for (let i = 0; i < 9; i++) made.push(await create({ email: `${tag}.${String(8 - i)}@example.com`, lastName: i % 3 === 0 ? `Babbage-${tag}` : 'Somerville' }));
    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.as('read_only', { method: 'GET', url: `/api/v1/customers?${query}&limit=4${cursor ? `&cursor=${cursor}` : ''}` });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { items: { email: string }[]; nextCursor: string | null };
        seen.push(...body.items.map((c) => c.email));
        cursor = body.nextCursor;
      } while (cursor);
      return seen;
    };
    const emails = made.map((c) => c.email as string);
    expect(await walk(`emailPrefix=${tag.toUpperCase()}`)).toEqual(emails);
    expect(await walk(`emailPrefix=${tag}&sort=email`)).toEqual([...emails].sort());
    expect(await walk(`name=babbage-${tag}`)).toEqual([emails[0], emails[3], emails[6]]);
  });

  it('counts orders on the customer that order intake creates, and keeps customers with orders', async () => {
    const email = uniqueEmail('buyer');
    const order = async () => {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ customer: { email } }) });
      expect(res.statusCode, res.body).toBe(201);
    };
    await order();
    const customer = await byEmail(email);
    expect(customer).toMatchObject({ orderCount: 1 });
    await order();
    const got = (await t.as('admin', { method: 'GET', url: `/api/v1/customers/${customer!.id}` })).json();
    expect(got.orderCount).toBe(2);
    const del = await t.as('admin', { method: 'DELETE', url: `/api/v1/customers/${customer!.id}` });
    expect(del.json()).toMatchObject({ status: 409, code: 'conflict' });
    expect(del.json().detail).toContain('customers with orders are kept');
    expect((await t.as('admin', { method: 'GET', url: `/api/v1/customers/${customer!.id}` })).statusCode).toBe(200);
  });

  it('checks permissions: read_only and fulfilment may look but not edit', async () => {
    const customer = await create();
    for (const role of ['read_only', 'fulfilment'] as const) {
      expect((await t.as(role, { method: 'GET', url: `/api/v1/customers/${customer.id}` })).statusCode).toBe(200);
      expect((await t.as(role, { method: 'POST', url: '/api/v1/customers', payload: { email: uniqueEmail() } })).statusCode).toBe(403);
      expect((await t.as(role, { method: 'PATCH', url: `/api/v1/customers/${customer.id}`, payload: { firstName: 'X', version: 1 } })).statusCode).toBe(403);
      expect((await t.as(role, { method: 'DELETE', url: `/api/v1/customers/${customer.id}` })).statusCode).toBe(403);
    }
  });

  it('answers 404 for an unknown customer and 400 for an id that is not one', async () => {
    expect((await t.as('admin', { method: 'GET', url: '/api/v1/customers/999999999' })).json()).toMatchObject({ status: 404 });
    expect((await t.as('admin', { method: 'GET', url: '/api/v1/customers/abc' })).json()).toMatchObject({ status: 400, field: 'params:/id' });
    expect((await t.as('admin', { method: 'GET', url: '/api/v1/customers/99999999999999999999' })).statusCode).toBe(400);
  });
});

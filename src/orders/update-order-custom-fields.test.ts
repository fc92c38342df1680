import { afterAll, beforeAll, expect, it } from 'vitest';
import { listEventsFor } from '../outbox/outbox.repository.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';

/** PATCH merges custom fields per key, and the history and event say what each changed field was and became. */
describeEachDatabase('editing an order\'s custom fields', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const patch = (orderId: string, payload: Record<string, unknown>) => t.as('admin', { method: 'PATCH', url: `/api/v1/orders/${orderId}`, payload });
  const updates = async (orderId: string) => (await listEventsFor(t.db, 'order', orderId))
    .filter((e) => e.topic === 'order.updated').map((e) => JSON.parse(e.payload_json) as Record<string, unknown>);

  it('keeps the fields not named, replaces those named, clears with null or ""', async () => {
    const created = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ customFields: { custom1: 'A', custom10: 'Z' } }) });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().orderId as string;

    const added = await patch(id, { customFields: { custom2: 'B' }, version: 1 });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().customFields).toEqual({ custom1: 'A', custom2: 'B', custom10: 'Z' });

    const changed = await patch(id, { customFields: { custom1: ' A2 ', custom2: null, custom10: '' }, version: 2 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().customFields).toEqual({ custom1: 'A2' });

    // Naming a field with the value it already has changes nothing: no new version.
    const same = await patch(id, { customFields: { custom1: 'A2', custom3: null }, version: 3 });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json().version).toBe(3);

    const history = (changed.json().history as { kind: string; changes: string[] | null; reason: string | null }[]).filter((h) => h.kind === 'updated');
    expect(history.map((h) => h.reason)).toEqual(expect.arrayContaining([
      'custom2 (none) → "B"',
      'custom1 "A" → "A2"; custom2 "B" → (cleared); custom10 "Z" → (cleared)',
    ]));
    expect((await updates(id)).map((e) => e.values)).toEqual([
      { customFields: { custom2: { before: null, after: 'B' } } },
      { customFields: { custom1: { before: 'A', after: 'A2' }, custom2: { before: 'B', after: null }, custom10: { before: 'Z', after: null } } },
    ]);
  });

  it('carries money and custom fields together when one edit changes both', async () => {
    const created = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput({ customFields: { custom1: 'PO-1' } }) });
    const id = created.json().orderId as string;
    const res = await patch(id, { shippingCost: 0, customFields: { custom1: 'PO-2' }, version: 1 });
    expect(res.statusCode, res.body).toBe(200);
    const [event] = await updates(id);
    expect(event).toMatchObject({ changes: ['shippingCost', 'customFields'], values: { shippingCost: { before: 500, after: 0 }, customFields: { custom1: { before: 'PO-1', after: 'PO-2' } } } });
    const row = (res.json().history as { kind: string; reason: string | null }[]).find((h) => h.kind === 'updated')!;
    expect(row.reason).toContain('shipping cost');
    expect(row.reason).toContain('custom1 "PO-1" → "PO-2"');
  });
});

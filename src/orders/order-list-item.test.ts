import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import type { CreateOrderInput } from './orders.schemas.js';

const paris = { firstName: 'Charles', lastName: 'Babbage', line1: '5 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' };

describeEachDatabase('order list items', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const place = async (overrides: Partial<CreateOrderInput> = {}) => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: orderInput(overrides) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().orderId as string;
  };

  it('carries what the queue pages show, computed as the order detail computes it', async () => {
    const shipping = await place({ shipping: paris });
    const held = await place();
    const unpaid = await place({ payment: { method: 'check' } });
    const fraud = await place({ fraudHold: true });
    const digital = await place({ items: [{ sku: 'EBOOK', quantity: 1, unitPrice: 900, shippable: false }], payment: { method: 'check' } });
    const move = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${held}/stage`, payload: { stage: 'hold', reason: 'customer asked to wait' } });
    expect(move.statusCode, move.body).toBe(200);
    // Nothing in the API sets these yet (fraud scoring and fulfilment come later), so the test does.
    await t.db.updateTable('orders').set({ fraud_score: 87 }).where('order_number', '=', fraud).execute();
    await t.db.updateTable('orders').set({ shipped_at: Date.UTC(2026, 10, 20, 9) }).where('order_number', '=', shipping).execute();

    const res = await t.as('read_only', { method: 'GET', url: '/api/v1/orders?limit=200' });
    expect(res.statusCode, res.body).toBe(200);
    const items = new Map((res.json().items as Record<string, unknown>[]).map((i) => [i.orderId as string, i]));
    for (const orderId of [shipping, held, unpaid, fraud, digital]) {
      const detail = (await t.as('read_only', { method: 'GET', url: `/api/v1/orders/${orderId}` })).json();
      expect(items.get(orderId), orderId).toEqual({
        id: detail.id, orderId, createdAt: detail.createdAt, stage: detail.stage, stageEnteredAt: detail.stageEnteredAt,
        channel: detail.channel, currency: detail.currency, total: detail.summary.total, paidTotal: detail.payment.paid, customerEmail: detail.customer.email,
        customerName: `${detail.billing.firstName} ${detail.billing.lastName}`, paymentMethod: detail.payment.method,
        paymentStatus: detail.payment.status, tags: detail.tags, isTest: detail.isTest,
        allowedMoves: detail.allowedMoves, holdFromStage: detail.holdFromStage, fraudScore: detail.fraud.score,
        paidAt: detail.payment.paidAt, shippedAt: detail.shippedAt, shippingCountry: detail.shipping.country,
      });
    }
    expect(items.get(shipping)).toMatchObject({ stage: 'shipping_department', shippingCountry: 'FR', shippedAt: '2026-11-20T09:00:00.000Z', paidAt: expect.any(String) });
    // A read-only user may move nothing, so no item lists a move; those who may act see the stage machine's.
    expect(items.get(held)).toMatchObject({ stage: 'hold', holdFromStage: 'shipping_department', allowedMoves: [] });
    expect(items.get(unpaid)).toMatchObject({ stage: 'accounts_receivable', paidAt: null, allowedMoves: [] });
    const acting = new Map(((await t.as('admin', { method: 'GET', url: '/api/v1/orders?limit=200' })).json().items as Record<string, unknown>[]).map((i) => [i.orderId as string, i]));
    expect(acting.get(held)).toMatchObject({ allowedMoves: ['shipping_department', 'rejected'] });
    expect(acting.get(unpaid)).toMatchObject({ allowedMoves: ['fraud_review', 'hold', 'rejected'] });
    expect(items.get(fraud)).toMatchObject({ stage: 'fraud_review', fraudScore: 87 });
    expect(items.get(digital)).toMatchObject({ shippingCountry: 'GB' });
  });
});

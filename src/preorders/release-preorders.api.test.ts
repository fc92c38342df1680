import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runJobOnce } from '../jobs/scheduler.js';
import { listEventsFor } from '../outbox/outbox.repository.js';
import type { TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { type PaymentTestEnv, startPaymentTestEnv, waitFor } from '../test-support/payments.js';
import { orderInput } from '../test-support/factories.js';
import type { CreateOrderInput } from '../orders/orders.schemas.js';
import { preorderReleaseJob, releaseAvailablePreorders, releasePreorder } from './release-preorders.js';

const quiet = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
let n = 0;

describeEachDatabase('automatic pre-order release', (get) => {
  let env: PaymentTestEnv;
  let t: TestApp;
  beforeAll(async () => {
    env = await startPaymentTestEnv(get().db);
    t = env.t;
  });
  afterAll(() => env.close());

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers?: Record<string, string>) =>
    t.as('admin', { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}), ...(headers ? { headers } : {}) });
  /** A pre-order item no other test uses. */
  const preorderItem = async (label: string) => {
    const sku = `${label}-${process.pid}-${++n}`;
    const res = await api('POST', '/items', { sku, description: `Out soon ${label}`, price: 2500, currency: 'USD', preorder: true, expectedDate: '2027-03-01' });
    expect(res.statusCode, res.body).toBe(201);
    return sku;
  };
  const makeAvailable = async (sku: string) => {
    const item = (await api('GET', `/items/${sku}`)).json();
    const res = await api('PATCH', `/items/${sku}`, { preorder: false }, { 'if-match': `"v${item.version}"` });
    expect(res.statusCode, res.body).toBe(200);
  };
  const place = async (skus: string[], overrides: Partial<CreateOrderInput> = {}) => {
    const items = [...skus.map((sku) => ({ sku, quantity: 1 })), { sku: 'BOOK-1', description: 'Notes on the Engine', quantity: 1, unitPrice: 1999 }];
    const res = await api('POST', '/orders', orderInput({ items, ...overrides }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().stage).toBe('pre_ordered');
    return res.json().orderId as string;
  };
  const detail = async (orderId: string) => (await api('GET', `/orders/${orderId}`)).json();
  const runJob = async () => {
    const outcome = await runJobOnce(t.db, preorderReleaseJob(t.db, env.payments), { owner: 'test', log: quiet });
    expect(outcome.ran).toBe(true);
    return outcome.ran ? outcome.counts : {};
  };

  it('releases, after commit, the orders waiting only on the item that became available, to the payment step\'s stage', async () => {
    const soon = await preorderItem('SOON');
    const later = await preorderItem('LATER');
    const paid = await place([soon]);
    const unpaid = await place([soon], { payment: { method: 'wire' } });
    const held = await place([soon], { fraudHold: true });
    const both = await place([soon, later]);
    const moved = await place([soon]);
    const other = await place([later]);
    const byStaff = await api('POST', `/orders/${moved}/stage`, { stage: 'hold', reason: 'address problem' });
    expect(byStaff.statusCode, byStaff.body).toBe(200);

    expect((await api('GET', `/items/${soon}`)).json().waitingPreorders).toBe(4);
    await makeAvailable(soon);
    // The catalog edit only asked for the release: nothing moved inside its request.
    expect((await detail(paid)).stage).toBe('pre_ordered');

    expect(await runJob()).toMatchObject({ released: 3, finished: 1, refused: 0 });
    const actor = expect.stringMatching(/^system:preorder-release /);
    const release = (to: string) => ({ kind: 'stage', from: 'pre_ordered', to, actor, reason: `item ${soon} available` });
    for (const [orderId, to] of [[paid, 'shipping_department'], [unpaid, 'accounts_receivable'], [held, 'fraud_review']] as const) {
      const order = await detail(orderId);
      expect(order.stage, orderId).toBe(to);
      expect(order.history.at(-1)).toMatchObject(release(to));
      // The line is no longer a pre-order: its item is in stock.
      expect(order.items.find((i: { sku: string }) => i.sku === soon)).toMatchObject({ preorder: false, expectedDate: null });
    }
    const events = (await listEventsFor(t.db, 'order', paid)).filter((e) => e.topic === 'order.stage_changed');
    expect(JSON.parse(events.at(-1)!.payload_json)).toMatchObject({ from: 'pre_ordered', to: 'shipping_department', reason: `item ${soon} available` });
    const waiting = await detail(both);
    expect(waiting).toMatchObject({ stage: 'pre_ordered', version: 1 });
    expect(waiting.items.find((i: { sku: string }) => i.sku === soon)).toMatchObject({ preorder: true, expectedDate: '2027-03-01' });
    expect(await detail(moved)).toMatchObject({ stage: 'hold', version: 2 });
    expect(await detail(other)).toMatchObject({ stage: 'pre_ordered', version: 1 });

    // Nothing is released twice: a second run finds nothing to do.
    const historyBefore = (await detail(paid)).history.length;
    expect(await runJob()).toMatchObject({ released: 0, finished: 0 });
    expect((await detail(paid)).history.length).toBe(historyBefore);

    // The second item arrives: the order that waited on both goes too, and the other order with it.
    await makeAvailable(later);
    expect(await runJob()).toMatchObject({ released: 2, finished: 1 });
    expect((await detail(both)).history.at(-1)).toMatchObject({ ...release('shipping_department'), reason: `item ${later} available` });
    expect((await detail(other)).stage).toBe('shipping_department');
    expect((await detail(moved)).stage).toBe('hold');
    expect((await api('GET', `/items/${later}`)).json().waitingPreorders).toBe(0);
  });

  it('leaves an order alone when its item is only restocked, or went back to pre-order before the job ran', async () => {
    const sku = await preorderItem('BACK');
    const orderId = await place([sku]);
    // Stock on hand alone does not make a pre-order item available: new orders for it are still pre-orders.
    expect((await api('PATCH', `/items/${sku}`, { inventory: 40 }, { 'if-match': '"v1"' })).statusCode).toBe(200);
    expect(await runJob()).toMatchObject({ released: 0, finished: 0 });
    await makeAvailable(sku);
    const item = (await api('GET', `/items/${sku}`)).json();
    expect((await api('PATCH', `/items/${sku}`, { preorder: true, expectedDate: '2027-06-01' }, { 'if-match': `"v${item.version}"` })).statusCode).toBe(200);
    expect(await runJob()).toMatchObject({ released: 0, finished: 1 });
    expect(await detail(orderId)).toMatchObject({ stage: 'pre_ordered', version: 1 });
  });

  it('resumes after a crash, and two walks at once release each order once', async () => {
    const sku = await preorderItem('MANY');
    const orders = [];
    for (let i = 0; i < 5; i++) orders.push(await place([sku], { payment: { method: 'wire' } }));
    await makeAvailable(sku);

    // A run that crashed after releasing the first order, before it saved its place.
    expect(await releasePreorder(t.db, env.payments, orders[0]!, sku)).toBe('released');
    expect(await releasePreorder(t.db, env.payments, orders[0]!, sku)).toBe('changed');

    const runs = await Promise.all([releaseAvailablePreorders(t.db, env.payments, { batchSize: 2 }), releaseAvailablePreorders(t.db, env.payments, { batchSize: 2 })]);
    expect(runs[0]!.released + runs[1]!.released).toBe(4);
    expect(await runJob()).toMatchObject({ released: 0, finished: 0 });
    for (const orderId of orders) {
      const order = await detail(orderId);
      expect(order.stage).toBe('accounts_receivable');
      expect(order.history.filter((h: { from?: string }) => h.from === 'pre_ordered')).toHaveLength(1);
    }
  });

  it('charges the card on file when a pre-order is released, by the job or by staff: the payment step', async () => {
    const sku = await preorderItem('CARD');
    const byJob = await place([sku], { payment: await env.card() });
    const byStaff = await place([sku], { payment: await env.card() });
    const declined = await place([sku], { payment: await env.card('declined: insufficient funds') });
    // Pre-ordered means the card is not charged yet.
    expect((await detail(byJob)).payment.status).toBe('unprocessed');

    const moved = await api('POST', `/orders/${byStaff}/stage`, { stage: 'accounts_receivable', reason: 'stock arrived early' });
    expect(moved.statusCode, moved.body).toBe(200);
    await makeAvailable(sku);
    expect(await runJob()).toMatchObject({ released: 2 });

    const ledger = async (orderId: string) => (await api('GET', `/orders/${orderId}/payments`)).json().entries as { kind: string; status: string }[];
    for (const orderId of [byJob, byStaff]) {
      await waitFor(async () => (await detail(orderId)).stage === 'shipping_department');
      const order = await detail(orderId);
      expect(order.payment.status, orderId).toBe('processed');
      expect((await ledger(orderId)).filter((r) => r.kind === 'sale')).toMatchObject([{ status: 'approved' }]);
    }
    // A decline leaves the order in A/R to be collected, with the one attempt on its ledger.
    const refused = await detail(declined);
    expect(refused).toMatchObject({ stage: 'accounts_receivable', payment: { status: 'declined' } });
    expect((await ledger(declined)).filter((r) => r.kind === 'sale')).toMatchObject([{ status: 'declined' }]);
  });
});

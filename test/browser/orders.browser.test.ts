import { request as playwrightRequest, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, PASSWORD, screenshot, startBrowserEnv, type BrowserEnv } from './harness.js';

/*
 * The orders screens in a real browser: View All Orders (quick search, paging, keyboard, saved views),
 * a department queue (multi-select move with a per-order result), and the order detail (stage move with
 * a reason, a stale edit). Expected values come from the database or the API, never from the page.
 */

interface OrderDto { orderId: string; stage: string; version: number; billing: Record<string, string>; allowedMoves: string[] }

describeInBrowser('orders: search, queues, order detail', (dialect) => {
  let env: BrowserEnv;
  beforeAll(async () => { env = await startBrowserEnv({ orders: 300, dialect }); });
  afterAll(async () => { await env?.close(); });

  /** Runs `body` with a page signed in as a fresh user, and closes it whatever happens. */
  const withPage = async (role: Parameters<BrowserEnv['signedInPage']>[0], body: (page: Page) => Promise<void>, name?: string) => {
    const page = await env.signedInPage(role, name ? { name } : {});
    try { await body(page); } finally { await page.close(); }
  };

  /** A second person working through the API with their own session, behind the page's back. */
  const colleague = async () => {
    const email = await env.user('manager', 'Colin Colleague');
    const ctx = await playwrightRequest.newContext({ baseURL: env.baseUrl });
    const login = await ctx.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
    expect(login.status()).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const send = async (method: 'GET' | 'POST' | 'PATCH', path: string, data?: unknown, headers: Record<string, string> = {}) => {
      const response = await ctx.fetch(`/api/v1${path}`, { method, data, headers: { 'x-csrf-token': csrfToken, ...headers } });
      expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
      return (await response.json()) as OrderDto;
    };
    /** Places an order through the API; the payment and fraud hold decide its first stage. */
    const placeOrder = async (payment: { method: string; status: string }, extra: Record<string, unknown> = {}) => send('POST', '/orders', {
      channel: 'phone', currency: 'USD', customer: { email: `buyer.${Date.now().toString(36)}@example.com` },
      billing: { firstName: 'Pat', lastName: 'Placed', line1: '1 Test Street', city: 'Springfield', postalCode: '62701', country: 'US' },
      items: [
        { sku: 'TEST-1', description: 'Walnut desk organiser', quantity: 2, unitPrice: 1250, tax: 250, shippable: true, preorder: false },
        { sku: 'TEST-2', description: 'Gift wrap', quantity: 1, unitPrice: 300, shippable: true, preorder: false },
      ],
      shippingCost: 595, tags: ['phone-order'], notes: ['Customer called to confirm the delivery address'],
      payment, ...extra,
    });
    return { send, placeOrder, close: () => ctx.dispose() };
  };

  const newestOrder = (where: (qb: ReturnType<typeof ordersQuery>) => ReturnType<typeof ordersQuery> = (qb) => qb) =>
    where(ordersQuery()).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
  const ordersQuery = () => env.db.selectFrom('orders').select(['id', 'order_number', 'customer_email', 'customer_name', 'stage', 'created_at']);

  const results = (page: Page, label: string) => page.getByRole('table', { name: label });
  /** Order ids in the results table, once it is not loading. */
  const resultIds = async (page: Page, label: string): Promise<string[]> => {
    const table = results(page, label);
    await table.waitFor();
    await page.locator('.od-table-wrap[aria-busy="false"]').waitFor();
    return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { getAttribute(name: string): string | null }).getAttribute('data-order-id') ?? ''));
  };
  const quickSearch = async (page: Page, text: string) => {
    await page.getByLabel('Quick search').fill(text);
    await page.getByRole('button', { name: 'Find' }).click();
  };
  const param = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

  it('finds orders by each kind of quick search: order id, email, name, SKU', async () => {
    const newest = await newestOrder();
    const named = await newestOrder((qb) => qb.where('customer_name', 'like', '% %'));
    const nameWords = named.customer_name.split(' ').filter((w) => /^[A-Za-z]+$/.test(w));
    const sku = (await env.db.selectFrom('order_items').select('sku').where('order_id', '=', newest.id).executeTakeFirstOrThrow()).sku;

    await withPage('customer_service', async (page) => {
      await page.goto(`${env.baseUrl}/orders`);
      await results(page, 'View All Orders').waitFor();

      // The number alone: the prefix is added, as people read ids out over the phone.
      await quickSearch(page, newest.order_number.replace(/^\D+/, ''));
      await expect.poll(() => param(page, 'orderId')).toBe(newest.order_number.replace(/^\D+/, ''));
      // Polled: right after the URL changes the table can still show the previous rows for a frame.
      await expect.poll(() => resultIds(page, 'View All Orders')).toEqual([newest.order_number]);

      await quickSearch(page, newest.customer_email.toUpperCase());
      await expect.poll(() => param(page, 'email')).toBe(newest.customer_email.toUpperCase());
      expect(param(page, 'orderId'), 'a quick search replaces the previous one').toBeNull();
      const emailOwners = await env.db.selectFrom('orders').select('order_number').where('customer_email', '=', newest.customer_email).execute();
      const expected = emailOwners.map((o) => o.order_number).sort().slice(0, 50);
      expect(expected).toContain(newest.order_number);
      await expect.poll(async () => (await resultIds(page, 'View All Orders')).sort()).toEqual(expected);

      await quickSearch(page, nameWords.join(' '));
      await expect.poll(() => param(page, 'name')).toBe(nameWords.join(' '));
      await expect.poll(() => resultIds(page, 'View All Orders')).toContain(named.order_number);

      await quickSearch(page, sku.toLowerCase());
      await expect.poll(() => param(page, 'sku')).toBe(sku.toLowerCase());
      await expect.poll(() => resultIds(page, 'View All Orders')).toContain(newest.order_number);
    });
  });

  it('pages with the cursors, back with Previous, and opens an order from the keyboard', async () => {
    await withPage('read_only', async (page) => {
      await page.goto(`${env.baseUrl}/orders?limit=25`);
      const first = await resultIds(page, 'View All Orders');
      expect(first).toHaveLength(25);
      const expectedFirst = (await ordersQuery().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(50).execute()).map((o) => o.order_number);
      expect(first).toEqual(expectedFirst.slice(0, 25));

      // Next at the foot of the page: the new page is shown from the top of the list.
      await page.getByRole('button', { name: 'Next ›' }).scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Next ›' }).click();
      await expect.poll(() => param(page, 'cursor')).not.toBeNull();
      await expect.poll(() => resultIds(page, 'View All Orders')).toEqual(expectedFirst.slice(25, 50));
      await page.getByText('Page 2 · 25 orders').waitFor();
      const top = await page.getByRole('region', { name: 'Results' }).evaluate((el) => el.getBoundingClientRect().top);
      expect(top, 'the list starts at the top of the window').toBeGreaterThanOrEqual(0);
      expect(top).toBeLessThan(100);

      await page.getByRole('button', { name: '‹ Previous' }).click();
      await expect.poll(() => param(page, 'cursor')).toBeNull();
      await expect.poll(() => resultIds(page, 'View All Orders')).toEqual(first);

      // Arrow keys move the row focus; Enter opens the focused order.
      const rows = results(page, 'View All Orders').locator('tbody tr');
      await rows.first().focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/orders/${first[1]}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(first[1]!) }).waitFor();
    });
  });

  it('shows the next page without a request of its own: it was fetched while the first was on screen', async () => {
    await withPage('read_only', async (page) => {
      await page.goto(`${env.baseUrl}/orders?limit=25`);
      await resultIds(page, 'View All Orders');
      await page.waitForLoadState('networkidle'); // the first page, and the second fetched behind it
      const expected = (await ordersQuery().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(75).execute()).map((o) => o.order_number);
      const listRequests: URL[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname === '/api/v1/orders') listRequests.push(url);
      });

      await page.getByRole('button', { name: 'Next ›' }).click();
      await expect.poll(() => resultIds(page, 'View All Orders')).toEqual(expected.slice(25, 50));
      const shown = param(page, 'cursor');
      expect(shown).not.toBeNull();
      // Only the page after it was asked for (the next prefetch), never the page now on screen.
      await expect.poll(() => listRequests.length).toBeGreaterThan(0);
      expect(listRequests.map((u) => u.searchParams.get('cursor'))).not.toContain(shown);

      await page.waitForLoadState('networkidle');
      await page.getByRole('button', { name: 'Next ›' }).click();
      await expect.poll(() => resultIds(page, 'View All Orders')).toEqual(expected.slice(50, 75));
    });
  });

  it('saves a view (filters, sort, columns), and applying it after a reload restores the search', async () => {
    const other = await colleague();
    const toHold = await other.placeOrder({ method: 'check', status: 'unprocessed' });
    await other.send('POST', `/orders/${toHold.orderId}/stage`, { stage: 'hold', reason: 'waiting for the customer' });
    await other.close();
    const held = (await env.db.selectFrom('orders').select('order_number').where('stage', '=', 'hold').execute()).map((o) => o.order_number);
    expect(held.length).toBeGreaterThan(0);

    await withPage('manager', async (page) => {
      await page.goto(`${env.baseUrl}/review`);
      await results(page, 'Review Orders').waitFor();

      await page.getByText('Any stage').click();
      await page.getByRole('group', { name: 'Stage' }).getByLabel('Hold').check();
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect.poll(() => param(page, 'stage')).toBe('hold');
      await page.getByRole('button', { name: 'Total' }).click();
      await expect.poll(() => param(page, 'sort')).toBe('total_desc');
      await page.getByText('Columns', { exact: true }).click();
      // The box is controlled by the URL, which updates in a transition: click, then wait for the URL and the box.
      const heldFrom = page.getByRole('group', { name: 'Columns' }).getByRole('checkbox', { name: 'Held from' });
      await heldFrom.click();
      await expect.poll(() => param(page, 'cols')).toContain('holdFromStage');
      await expect.poll(() => heldFrom.isChecked()).toBe(true);
      const savedUrl = new URL(page.url());
      // Polled: right after a change the previous page can still be on screen until the new one arrives.
      await expect.poll(async () => (await resultIds(page, 'Review Orders')).sort()).toEqual([...held].sort());

      await page.getByRole('button', { name: 'Save view…' }).click();
      await page.getByLabel('View name').fill('Held, biggest first');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('button', { name: 'Save view…' }).waitFor();

      // A fresh visit: no filters, default columns; the view is kept on the server for this user.
      await page.goto(`${env.baseUrl}/review`);
      const unfiltered = await resultIds(page, 'Review Orders');
      expect(unfiltered.some((id) => !held.includes(id))).toBe(true);
      expect(await results(page, 'Review Orders').getByRole('columnheader', { name: 'Held from' }).count()).toBe(0);

      await page.getByLabel('Saved view', { exact: true }).selectOption({ label: 'Held, biggest first' });
      await expect.poll(() => param(page, 'stage')).toBe('hold');
      const applied = new URL(page.url());
      for (const key of ['stage', 'sort', 'cols']) expect(applied.searchParams.get(key), key).toBe(savedUrl.searchParams.get(key));
      await expect.poll(async () => (await resultIds(page, 'Review Orders')).sort()).toEqual([...held].sort());
      await results(page, 'Review Orders').getByRole('columnheader', { name: 'Held from' }).waitFor();
      const totals = await env.db.selectFrom('orders').select(['order_number', 'total']).where('stage', '=', 'hold').orderBy('total', 'desc').orderBy('id', 'desc').execute();
      await expect.poll(() => resultIds(page, 'Review Orders')).toEqual(totals.map((o) => o.order_number));

      // Two views of the same search: the one picked is the one shown and acted on.
      await page.getByRole('button', { name: 'Save view…' }).click();
      await page.getByLabel('View name').fill('Held, a copy');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('button', { name: 'Save view…' }).waitFor();
      const picker = page.getByLabel('Saved view', { exact: true });
      const shown = () => picker.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent ?? null);
      await picker.selectOption({ label: 'Held, biggest first' });
      await expect.poll(shown).toBe('Held, biggest first');
      await picker.selectOption({ label: 'Held, a copy' });
      await expect.poll(shown).toBe('Held, a copy');
      await page.getByRole('button', { name: 'Delete…' }).click();
      await page.getByRole('alertdialog', { name: 'Delete view' }).getByRole('button', { name: 'Delete' }).click();
      await expect.poll(() => picker.locator('option').allTextContents()).toEqual(['Choose a view…', 'Held, biggest first']);

      await picker.selectOption({ label: 'Held, biggest first' });
      await page.getByRole('button', { name: 'Delete…' }).click();
      await page.getByRole('alertdialog', { name: 'Delete view' }).getByRole('button', { name: 'Delete' }).click();
      await expect.poll(() => picker.locator('option').allTextContents()).toEqual(['No saved views yet']);
    });
  });

  it('moves an order to another stage with a reason; the history shows who and why', async () => {
    const other = await colleague();
    const placed = await other.placeOrder({ method: 'credit_card', status: 'unprocessed' }, { fraudHold: true });
    await other.close();
    expect(placed.stage).toBe('fraud_review');
    const order = await env.db.selectFrom('orders').select(['id', 'order_number']).where('order_number', '=', placed.orderId).executeTakeFirstOrThrow();

    await withPage('manager', async (page) => {
      const me = ((await (await page.request.get(`${env.baseUrl}/api/v1/auth/session`)).json()) as { user: { name: string } }).user.name;
      await page.goto(`${env.baseUrl}/orders/${order.order_number}`);
      const heading = page.getByRole('heading', { level: 1 });
      await heading.getByText('Fraud Review').waitFor();

      await page.getByRole('button', { name: 'Put on hold' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Move to Hold' }).click();
      await dialog.getByText('Give a reason for the move.').waitFor();
      await dialog.getByLabel(/Reason/).fill('Customer asked us to wait for a new address');
      await dialog.getByRole('button', { name: 'Move to Hold' }).click();

      await heading.getByText('Hold', { exact: true }).waitFor();
      const entry = page.getByRole('list', { name: 'Stage history' }).getByRole('listitem').first();
      await entry.getByText('Customer asked us to wait for a new address').waitFor();
      expect(await entry.textContent()).toMatch(/Fraud Review\s*→\s*Hold/);
      expect(await entry.textContent(), 'who moved it').toContain(me);
      // Held orders are released only to where they came from.
      await page.getByRole('button', { name: 'Release to Fraud Review' }).waitFor();

      const stored = await env.db.selectFrom('order_history').select(['actor', 'reason']).where('order_id', '=', order.id).where('kind', '=', 'stage').executeTakeFirstOrThrow();
      expect(stored.reason).toBe('Customer asked us to wait for a new address');
      expect(stored.actor).toContain(me);
      await screenshot(page, 'order-detail');
    });
  });

  it('refuses a stale edit with "someone else changed this order", and Reload shows their change', async () => {
    const other = await colleague();
    const placed = await other.placeOrder({ method: 'check', status: 'unprocessed' });
    expect(placed.stage).toBe('accounts_receivable');
    const order = await env.db.selectFrom('orders').select(['id', 'order_number']).where('order_number', '=', placed.orderId).executeTakeFirstOrThrow();

    await withPage('customer_service', async (page) => {
      await page.goto(`${env.baseUrl}/orders/${order.order_number}`);
      await page.getByRole('button', { name: 'Edit billing address' }).click();
      const form = page.getByRole('form', { name: 'Edit billing address' });
      await form.getByLabel('City').fill('Pageville');

      // Meanwhile a colleague changes the same order.
      const current = await other.send('GET', `/orders/${order.order_number}`);
      await other.send('PATCH', `/orders/${order.order_number}`, { billing: { ...current.billing, city: 'Otherton' } }, { 'if-match': `"v${current.version}"` });

      await form.getByRole('button', { name: 'Save address' }).click();
      const banner = page.getByRole('alert').filter({ hasText: 'Someone else changed this order — reload' });
      await banner.waitFor();
      expect(await page.locator('body').textContent()).not.toContain('"code"');

      await banner.getByRole('button', { name: 'Reload' }).click();
      await banner.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByRole('form', { name: 'Edit billing address' }).count(), { message: 'the stale draft is dropped' }).toBe(0);
      const addresses = page.getByRole('region', { name: 'Addresses' });
      await addresses.getByText(/Otherton/).waitFor();
      expect(await addresses.textContent()).not.toContain('Pageville');
      const stored = await env.db.selectFrom('orders').select('billing_json').where('id', '=', order.id).executeTakeFirstOrThrow();
      expect(JSON.parse(stored.billing_json).city).toBe('Otherton');
    });
    await other.close();
  });

  it('moves a selection from a queue one by one: a refused order is reported, the others move', async () => {
    // Three paid orders placed one after the other: the newest of the queue, next to each other.
    const other = await colleague();
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) placed.push((await other.placeOrder({ method: 'wire', status: 'processed' })).orderId);
    const [a, b, c] = placed as [string, string, string];

    await withPage('fulfilment', async (page) => {
      await page.goto(`${env.baseUrl}/shipping`);
      const label = 'Shipping queue';
      expect((await resultIds(page, label)).slice(-3), 'longest waiting first: the new ones last').toEqual([a, b, c]);

      const holdCount = page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: /^Hold\b/ }).locator('.nav-count[data-count]');
      const holdBefore = Number(await holdCount.getAttribute('data-count'));

      // Click the first, shift-click the third: the range is selected.
      await page.getByLabel(`Select ${a}`).click();
      await page.getByLabel(`Select ${c}`).click({ modifiers: ['Shift'] });
      const toolbar = page.getByRole('toolbar', { name: 'Actions on the selected orders' });
      await toolbar.getByText('3 selected').waitFor();
      await screenshot(page, 'queue');

      // A colleague puts the middle one on hold first; moving it again is refused, the rest proceed.
      await other.send('POST', `/orders/${b}/stage`, { stage: 'hold', reason: 'address check' });

      await toolbar.getByRole('button', { name: 'Put on hold' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(/Reason/).fill('Carrier strike in the region');
      await dialog.getByRole('button', { name: 'Move to Hold' }).click();

      const outcome = page.getByRole('status').filter({ hasText: 'of 3 moved to Hold' });
      await outcome.waitFor();
      expect(await outcome.textContent()).toContain('2 of 3 moved to Hold');
      // Each failure once, with its id once, stage labels rather than API names; the held order left the
      // Shipping list, so it is listed, not "marked in the list".
      await expect.poll(() => outcome.textContent()).toContain('1 could not be moved (listed below)');
      expect(await outcome.getByRole('listitem').textContent()).toBe(`${b}: Already in Hold, moved meanwhile (no longer in this list)`);

      await expect.poll(() => resultIds(page, label)).not.toContain(a);
      const after = await resultIds(page, label);
      expect(after).not.toContain(c);
      const stages = await env.db.selectFrom('orders').select(['order_number', 'stage']).where('order_number', 'in', [a, b, c]).execute();
      expect(stages.every((o) => o.stage === 'hold')).toBe(true);
      const reasons = await env.db.selectFrom('order_history').innerJoin('orders', 'orders.id', 'order_history.order_id')
        .select(['orders.order_number', 'order_history.reason']).where('order_history.reason', '=', 'Carrier strike in the region').execute();
      expect(reasons.map((r) => r.order_number).sort()).toEqual([a, c].sort());
      await expect.poll(async () => Number(await holdCount.getAttribute('data-count')), { timeout: 10_000 }).toBe(holdBefore + 3);
    });
    await other.close();
  });

  it('shows a queue without action buttons to a user who may not act on it, and says why Pending Clearance has none', async () => {
    const other = await colleague();
    const fraud = { order_number: (await other.placeOrder({ method: 'credit_card', status: 'unprocessed' }, { fraudHold: true })).orderId };
    await other.close();
    await withPage('read_only', async (page) => {
      await page.goto(`${env.baseUrl}/fraud-review`);
      const ids = await resultIds(page, 'Fraud Review queue');
      expect(ids.length).toBeGreaterThan(0);
      expect(await page.getByRole('checkbox', { name: /^Select/ }).count()).toBe(0);
      expect(await page.getByRole('toolbar', { name: 'Actions on the selected orders' }).count()).toBe(0);
      await page.getByText('Moving its orders needs the Fraud Review department’s act permission').waitFor();

      await page.goto(`${env.baseUrl}/orders/${fraud.order_number}`);
      await page.getByRole('heading', { level: 1 }).getByText('Fraud Review').waitFor();
      expect(await page.getByRole('group', { name: 'Stage moves' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /Reject|Move to|Put on hold/ }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Edit/ }).count(), 'no orders:edit either').toBe(0);
    });

    await withPage('accounting', async (page) => {
      await page.goto(`${env.baseUrl}/pending-clearance`);
      await resultIds(page, 'Pending Clearance queue');
      await page.getByText('The payment provider’s notification moves each one').waitFor();
      expect(await page.getByRole('checkbox', { name: /^Select/ }).count()).toBe(0);
    });
  });
});

import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LIFE_CYCLE } from '../../web/src/app/departments.js';
import { describeInBrowser, PASSWORD, screenshot, signIn, startBrowserEnv, TABLET, type BrowserEnv } from './harness.js';

/*
 * The back office shell in a real browser: sign-in, session expiry, the navigation with live counts,
 * permissions, and the dashboard. Expected figures are read from the API the page itself uses, so the
 * tests check that the screen tells the user what the server knows.
 */

interface StageCount { stage: string; count: number }
interface Dashboard {
  days: { day: string; currency: string; orders: number; revenue: number }[];
  stages: { stage: string; count: number; oldest: { orderId: string; enteredAt: string } | null }[];
  generatedAt: string;
}

const EXPIRED = 'Your session has expired — sign in again';

describeInBrowser('back office shell', (dialect) => {
  let env: BrowserEnv;
  // Enough orders that the last 30 days have several a day in more than one currency.
  beforeAll(async () => { env = await startBrowserEnv({ orders: 4000, dialect }); });
  afterAll(async () => { await env?.close(); });

  /** A GET with the page's own session cookie. */
  const apiGet = async <T>(page: Page, path: string): Promise<T> => {
    const response = await page.request.get(`${env.baseUrl}/api/v1${path}`);
    expect(response.status(), `GET ${path}`).toBe(200);
    return (await response.json()) as T;
  };
  const nav = (page: Page) => page.getByRole('navigation', { name: 'Back office' });
  const navLink = (page: Page, label: string) => nav(page).getByRole('link', { name: new RegExp(`^${label}\\b`) });
  const signInHeading = (page: Page) => page.getByRole('heading', { name: 'Sign in to the back office' });
  const userIdOf = async (email: string) => (await env.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const endSessionsOf = async (email: string) => { await env.db.deleteFrom('sessions').where('user_id', '=', await userIdOf(email)).execute(); };
  /** The count a navigation entry shows, once the counts have loaded. */
  const navCount = async (page: Page, label: string): Promise<number> => {
    const badge = navLink(page, label).locator('.nav-count[data-count]');
    await badge.waitFor();
    const shown = (await badge.locator('[aria-hidden="true"]').textContent()) ?? '';
    const count = Number(await badge.getAttribute('data-count'));
    expect(Number(shown.replace(/\D/g, '')), `${label} shows its count`).toBe(count);
    return count;
  };
  const waitForNavCount = (page: Page, label: string, expected: number) =>
    expect.poll(() => navCount(page, label), { timeout: 10_000 }).toBe(expected);

  it('signs in, refuses a wrong password with a clear message, and signs out', async () => {
    const email = await env.user('manager', 'Mia Manager');
    const page = await env.newPage();
    try {
      await page.goto(env.baseUrl);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Email or password is wrong' }).waitFor();
      expect(await page.getByLabel('Password').inputValue(), 'the wrong password is cleared for the next try').toBe('');
      expect(await nav(page).count(), 'still signed out').toBe(0);

      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await nav(page).waitFor();
      expect(await nav(page).getByText('Mia Manager').isVisible()).toBe(true);
      expect(await nav(page).getByText('Manager', { exact: true }).isVisible(), 'role shown with the name').toBe(true);
      await expect.poll(() => page.title()).toBe('Dashboard · Orderdeck');

      await nav(page).getByRole('button', { name: 'Sign out' }).click();
      await signInHeading(page).waitFor();
      expect(await page.getByText('You have signed out.').isVisible()).toBe(true);
      // The session is gone on the server too: a reload stays on the sign-in page, with no expiry message.
      await page.reload();
      await signInHeading(page).waitFor();
      expect(await page.getByText(EXPIRED).count()).toBe(0);
      expect((await page.request.get(`${env.baseUrl}/api/v1/auth/session`)).status()).toBe(401);
    } finally {
      await page.close();
    }
  });

  it('keeps the button disabled while signing in, and says so when sign-in is rate limited', async () => {
    const email = await env.user('read_only');
    const page = await env.newPage();
    try {
      await page.goto(env.baseUrl);
      let release!: () => void;
      const held = new Promise<void>((resolve) => { release = resolve; });
      await page.route('**/api/v1/auth/login', async (route) => { await held; await route.continue(); });
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const busy = page.getByRole('button', { name: 'Signing in…' });
      await busy.waitFor();
      expect(await busy.isDisabled(), 'no second submit while the first runs').toBe(true);
      release();
      await nav(page).waitFor();
      await page.unroute('**/api/v1/auth/login');

      // Ten failures for one address lock it (ORDERDECK_LOGIN_ATTEMPTS); the page explains the wait.
      const victim = await env.user('read_only');
      for (let i = 0; i < 10; i++) {
        await page.request.post(`${env.baseUrl}/api/v1/auth/login`, { data: { email: victim, password: `wrong ${i}` } });
      }
      const other = await env.newPage();
      try {
        await other.goto(env.baseUrl);
        await other.getByLabel('Email').fill(victim);
        await other.getByLabel('Password').fill(PASSWORD);
        await other.getByRole('button', { name: 'Sign in' }).click();
        const alert = other.getByRole('alert').filter({ hasText: 'Too many failed sign-in attempts' });
        await alert.waitFor();
        expect(await alert.textContent()).toMatch(/Try again in \d+ minutes/);
        expect(await other.getByRole('button', { name: 'Sign in' }).isEnabled(), 'the user may try again later').toBe(true);
      } finally {
        await other.close();
      }
    } finally {
      // The failures also count against the test machine's IP; clear them for the other tests.
      await env.db.deleteFrom('login_failures').execute();
      await page.close();
    }
  });

  it('shows every department with the count the API reports, and refreshes it after orders move', async () => {
    const page = await env.signedInPage('admin');
    try {
      const stages = await apiGet<StageCount[]>(page, '/stages');
      const countOf = (stage: string) => stages.find((s) => s.stage === stage)?.count ?? 0;
      for (const department of LIFE_CYCLE) {
        const expected = department.stages.reduce((sum, stage) => sum + countOf(stage), 0);
        expect(await navCount(page, department.label), department.label).toBe(expected);
      }
      expect(await navCount(page, 'View All Orders')).toBe(stages.reduce((sum, s) => sum + s.count, 0));
      expect(await navLink(page, 'Review Orders').isVisible(), 'Tools section').toBe(true);

      // Another user (here: the API) moves an order from Shipping to Hold; focusing the window again
      // refreshes the counts without a reload.
      const shippingBefore = await navCount(page, 'Shipping');
      const holdBefore = await navCount(page, 'Hold');
      const { items } = await apiGet<{ items: { orderId: string }[] }>(page, '/orders?stage=shipping_department&limit=1');
      const { csrfToken } = await apiGet<{ csrfToken: string }>(page, '/auth/session');
      const moved = await page.request.post(`${env.baseUrl}/api/v1/orders/${items[0]!.orderId}/stage`, {
        data: { stage: 'hold', reason: 'address to confirm' }, headers: { 'x-csrf-token': csrfToken },
      });
      expect(moved.status()).toBe(200);
      await page.evaluate('window.dispatchEvent(new Event("focus"))');
      await waitForNavCount(page, 'Shipping', shippingBefore - 1);
      await waitForNavCount(page, 'Hold', holdBefore + 1);

      // Pages that move orders call refreshStageCounts(); moving between pages refreshes too.
      const back = await page.request.post(`${env.baseUrl}/api/v1/orders/${items[0]!.orderId}/stage`, {
        data: { stage: 'shipping_department', reason: 'address confirmed' }, headers: { 'x-csrf-token': csrfToken },
      });
      expect(back.status()).toBe(200);
      await navLink(page, 'Hold').click();
      await page.waitForURL(`${env.baseUrl}/hold`);
      await waitForNavCount(page, 'Hold', holdBefore);
      expect(await navLink(page, 'Hold').getAttribute('aria-current'), 'the open department is marked').toBe('page');
    } finally {
      await page.close();
    }
  });

  it('hides departments a role may not view, and answers their URL with "No access"', async () => {
    const page = await env.signedInPage('fulfilment');
    try {
      await navCount(page, 'Shipping');
      for (const label of ['Shipping', 'Hold', 'Pre-orders', 'Completed Orders', 'View All Orders']) {
        expect(await navLink(page, label).count(), `${label} is shown`).toBe(1);
      }
      for (const label of ['Fraud Review', 'Accounts Receivable', 'Pending Clearance', 'Quote Requests', 'Rejected']) {
        expect(await navLink(page, label).count(), `${label} is hidden`).toBe(0);
      }
      // The dashboard's "needs attention" list leaves out the queues this role does not work.
      const attention = page.getByRole('table', { name: 'Oldest order waiting in each queue' });
      await attention.waitFor();
      expect(await attention.locator('tr[data-stage="fraud_review"]').count()).toBe(0);
      expect(await attention.locator('tr[data-stage="shipping_department"]').count()).toBe(1);

      await page.goto(`${env.baseUrl}/fraud-review`);
      await page.getByRole('heading', { name: 'No access' }).waitFor();
      expect(await page.getByText('does not include Fraud Review').isVisible()).toBe(true);
      expect(await nav(page).isVisible(), 'the navigation stays, so the user can go elsewhere').toBe(true);

      await page.goto(`${env.baseUrl}/no-such-department`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    } finally {
      await page.close();
    }
  });

  // Three sign-ins (each a deliberately slow password hash) and five page loads: 4 s alone, but past the
  // default 30 s once, in a full run beside the process-kill tests. A step that never completes still fails
  // at 20 s, naming itself.
  it('sends the user to sign in when the session expires, and back to the page they were on', async () => {
    const email = await env.user('customer_service');
    const page = await env.newPage();
    page.setDefaultTimeout(20_000);
    try {
      await signIn(page, env.baseUrl, email);
      await navCount(page, 'Hold');

      // Expiry noticed by the app itself: the next request after moving on gets a 401. The landing page's
      // own requests (a late one, or a periodic refresh on a loaded machine) would otherwise be the ones
      // that notice, and the sign-in page would replace the navigation before the click: they are held
      // until the click has moved the app on, then answered (401 like the rest).
      const held: Route[] = [];
      let release = false;
      await page.route('**/api/v1/**', (route) => (release ? route.continue() : void held.push(route)));
      await endSessionsOf(email);
      await navLink(page, 'Hold').click();
      await page.waitForURL('**/hold');
      release = true;
      for (const route of held.splice(0)) await route.continue();
      // A dialog over the page, which stays mounted (order-session.browser.test.ts: typed input survives).
      const again = page.getByRole('dialog', { name: 'Sign in to continue' });
      await again.getByText(EXPIRED).waitFor();
      await page.unroute('**/api/v1/**');
      expect(new URL(page.url()).pathname, 'the URL is kept').toBe('/hold');
      expect(await again.getByLabel('Email').inputValue(), 'the same user, filled in').toBe(email);
      await again.getByLabel('Password').fill(PASSWORD);
      await again.getByRole('button', { name: 'Sign in' }).click();
      await again.waitFor({ state: 'detached' });
      expect(new URL(page.url()).pathname).toBe('/hold');
      expect(await navLink(page, 'Hold').getAttribute('aria-current')).toBe('page');

      // Expiry found on opening a page (a reload, a bookmark, a new tab).
      await endSessionsOf(email);
      await page.goto(`${env.baseUrl}/accounts-receivable`);
      await page.getByText(EXPIRED).waitFor();
      await signIn(page, `${env.baseUrl}/accounts-receivable`, email);
      expect(new URL(page.url()).pathname).toBe('/accounts-receivable');
    } finally {
      await page.close();
    }
  }, 60_000);

  it('draws the last 30 days per currency, the stage counts and the oldest order of each queue', async () => {
    const page = await env.signedInPage('admin', { name: 'Avery Admin', locale: 'en-US', timezoneId: 'America/New_York' });
    try {
      const chart = page.getByTestId('daily-chart');
      await chart.waitFor();
      const dashboard = await apiGet<Dashboard>(page, '/dashboard');
      const totals = new Map<string, number>();
      for (const d of dashboard.days) totals.set(d.currency, (totals.get(d.currency) ?? 0) + d.orders);
      const currencies = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
      expect(currencies.length, 'the seed has orders in several currencies').toBeGreaterThan(1);

      // One bar per day, missing days as zero, matching the API for the busiest currency (the default).
      // (Strings run in the page: this file is type-checked without the DOM library.)
      const barsOf = async () => page.evaluate<{ day: string; orders: number }[]>(`[...document.querySelectorAll('[data-testid="daily-chart"] rect.chart-bar')]
        .map((b) => ({ day: b.getAttribute('data-day'), orders: Number(b.getAttribute('data-orders')) }))`);
      const expectBars = async (currency: string) => {
        const bars = await barsOf();
        expect(bars).toHaveLength(30);
        expect(bars.at(-1)!.day).toBe(dashboard.generatedAt.slice(0, 10));
        const ofCurrency = new Map(dashboard.days.filter((d) => d.currency === currency).map((d) => [d.day, d.orders]));
        expect(bars.map((b) => b.orders)).toEqual(bars.map((b) => ofCurrency.get(b.day) ?? 0));
        expect(Number((await page.getByTestId('figure-orders').textContent())!.replace(/\D/g, ''))).toBe(totals.get(currency));
      };
      await expectBars(currencies[0]!);
      expect(await chart.locator('path.chart-line').count(), 'revenue line').toBe(1);

      // Choosing another currency redraws for it.
      const second = currencies[1]!;
      await page.getByRole('radio', { name: second }).check();
      await page.getByText(`Order value (${second})`).waitFor();
      await expectBars(second);
      await page.getByRole('radio', { name: currencies[0]! }).check();

      // The same figures as a table, for screen readers always and for anyone on request.
      await page.getByRole('button', { name: 'Show table' }).click();
      const table = page.getByRole('table', { name: /Orders and order value per day/ });
      expect(await table.locator('tbody tr').count()).toBe(30);

      // Orders by stage: every stage, the API's count, linking to its department.
      const tiles = page.getByRole('list', { name: 'Orders by stage' });
      for (const s of dashboard.stages) {
        const tile = tiles.locator(`li[data-stage="${s.stage}"]`);
        expect(Number(await tile.locator('.stage-tile-count').getAttribute('data-count')), s.stage).toBe(s.count);
      }
      expect(await tiles.locator('li[data-stage="fraud_review"] a').getAttribute('href')).toBe('/fraud-review');

      // Needs attention: the oldest order per waiting queue, entered-at shown in the user's time zone.
      const attention = page.getByRole('table', { name: 'Oldest order waiting in each queue' });
      const waiting = dashboard.stages.filter((s) => s.oldest && !['completed_order', 'rejected'].includes(s.stage));
      expect(await attention.locator('tbody tr').count()).toBe(waiting.length);
      const zoned = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/New_York' });
      const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
      for (const s of waiting) {
        const row = attention.locator(`tr[data-stage="${s.stage}"]`);
        const link = row.getByRole('link', { name: s.oldest!.orderId });
        expect(await link.getAttribute('href')).toBe(`/orders/${s.oldest!.orderId}`);
        expect(plain(await row.locator('time').textContent())).toBe(plain(zoned.format(new Date(s.oldest!.enteredAt))));
      }
      await page.getByRole('button', { name: 'Show chart' }).click();
      // The whole dashboard in one picture: a window as tall as the page keeps the navigation whole.
      await page.mouse.move(0, 0);
      await page.setViewportSize({ width: 1280, height: await page.evaluate<number>('document.documentElement.scrollHeight') });
      await screenshot(page, 'dashboard');

      const first = waiting[0]!.oldest!.orderId;
      await attention.getByRole('link', { name: first }).click();
      await page.waitForURL(`${env.baseUrl}/orders/${first}`);
    } finally {
      await page.close();
    }
  });

  it('collapses the navigation behind a Menu button on a tablet', async () => {
    const page = await env.signedInPage('manager', { viewport: TABLET });
    try {
      await page.getByTestId('daily-chart').waitFor();
      const fitsWidth = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
      expect(await fitsWidth(), 'the dashboard fits without sideways scrolling').toBe(true);
      const menu = nav(page).getByRole('button', { name: 'Menu' });
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await navLink(page, 'Shipping').isVisible(), 'collapsed').toBe(false);
      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await navLink(page, 'Shipping').waitFor();
      await page.keyboard.press('Escape');
      await navLink(page, 'Shipping').waitFor({ state: 'hidden' });
      expect(await page.evaluate('document.activeElement?.getAttribute("aria-controls")'), 'focus back on the Menu button').toBe('nav-menu');

      await menu.click();
      await navLink(page, 'Shipping').click();
      await page.waitForURL(`${env.baseUrl}/shipping`);
      await navLink(page, 'Shipping').waitFor({ state: 'hidden' });
      expect(await fitsWidth(), 'so does the queue').toBe(true);
    } finally {
      await page.close();
    }
  });

  it('lets keyboard users skip the navigation', async () => {
    const page = await env.signedInPage('read_only');
    try {
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to main content' });
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to main content');
      expect(await skip.isVisible(), 'visible when focused').toBe(true);
      await page.keyboard.press('Enter');
      expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    } finally {
      await page.close();
    }
  });
});

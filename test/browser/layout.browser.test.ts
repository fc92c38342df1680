import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LIFE_CYCLE } from '../../web/src/app/departments.js';
import { DESKTOP, describeInBrowser, PHONE, startBrowserEnv, type BrowserEnv } from './harness.js';

/*
 * The back office on a phone: no page may scroll sideways at 390 px. A wide table may scroll inside
 * its own wrapper; the page itself must not. Each page is also checked with its popovers and editing
 * forms open, since those are what tend to stick out. And the favicon the browser asks for exists.
 */

interface Overflow { scrollWidth: number; clientWidth: number; offenders: string[] }

/**
 * How far the page is wider than the viewport, and which elements stick out past its right edge (left
 * out: those clipped by a scroll container that itself fits, and the hidden contents of closed
 * <details>). The list only explains a failure; scrollWidth is what the user feels.
 */
function pageOverflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const viewport = root.clientWidth;
    const sticksOut = (box: DOMRect) => box.width > 0 && (box.right > viewport + 0.5 || box.left < -0.5);
    const describe = (el: Element, box: DOMRect) => {
      const classes = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `<${el.tagName.toLowerCase()}${classes}> ${Math.round(box.left)}–${Math.round(box.right)}px "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    };
    const outside: { el: Element; box: DOMRect }[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const box = el.getBoundingClientRect();
      if (sticksOut(box) && !el.closest('details:not([open]) > :not(summary)')) outside.push({ el, box });
    }
    const clipped = (el: Element) => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible' && !sticksOut(up.getBoundingClientRect())) return true;
      }
      return false;
    };
    const unclipped = outside.filter(({ el }) => !clipped(el));
    // An absolutely positioned element escapes a scroll container that is not its containing block,
    // which the ancestor walk cannot see: then name what ends where the page ends.
    const atPageEdge = outside.filter(({ box }) => Math.abs(box.right - root.scrollWidth) <= 1);
    const named = unclipped.length ? unclipped : atPageEdge.length ? atPageEdge : outside;
    return { scrollWidth: root.scrollWidth, clientWidth: viewport, offenders: named.slice(0, 8).map(({ el, box }) => describe(el, box)) };
  });
}

async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const { scrollWidth, clientWidth, offenders } = await pageOverflow(page);
  expect(scrollWidth, `${where}: the page is ${scrollWidth}px wide in a ${clientWidth}px viewport; sticking out:\n  ${offenders.join('\n  ')}`)
    .toBeLessThanOrEqual(clientWidth);
}

describeInBrowser('layout on a phone, favicon', (dialect) => {
  let env: BrowserEnv;
  beforeAll(async () => { env = await startBrowserEnv({ orders: 300, dialect }); });
  afterAll(async () => { await env?.close(); });

  const withPhone = async (body: (page: Page) => Promise<void>) => {
    const page = await env.signedInPage('admin', { viewport: PHONE });
    try { await body(page); } finally { await page.close(); }
  };
  const orderIn = async (stage: string) => (await env.db.selectFrom('orders').select('order_number')
    .where('stage', '=', stage).orderBy('created_at', 'desc').executeTakeFirstOrThrow()).order_number;

  it('the dashboard fits a phone: chart, stage tiles, the attention table (scrolling in its own box), the day table', async () => {
    await withPhone(async (page) => {
      await page.goto(env.baseUrl);
      const chart = page.getByTestId('daily-chart');
      await chart.waitFor();
      await page.locator('table.attention-table').waitFor();
      await expectNoSidewaysScroll(page, 'dashboard');
      // The chart is drawn to the width it is given, not to a fixed one.
      const chartWidth = Number(await chart.getAttribute('width'));
      expect(chartWidth).toBeGreaterThan(200);
      expect(chartWidth).toBeLessThanOrEqual(PHONE.width);
      // The attention table is wider than a phone: it scrolls inside its wrapper.
      const wrap = await page.locator('.table-wrap:has(table.attention-table)').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(wrap.scroll, 'the attention table scrolls inside its wrapper').toBeGreaterThan(wrap.client);

      await page.getByRole('button', { name: 'Show table' }).click();
      await page.getByRole('button', { name: 'Show chart' }).waitFor();
      await expectNoSidewaysScroll(page, 'dashboard, figures as a table');

      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('link', { name: /^View All Orders/ }).waitFor();
      await expectNoSidewaysScroll(page, 'dashboard, navigation open');
    });
  });

  it('the dashboard still uses the width of a laptop', async () => {
    const page = await env.signedInPage('admin', { viewport: DESKTOP });
    try {
      const chart = page.getByTestId('daily-chart');
      await chart.waitFor();
      await expectNoSidewaysScroll(page, 'dashboard at 1280px');
      const panel = await page.locator('section.panel:has([data-testid="daily-chart"]) .panel-body').evaluate((el) => el.clientWidth);
      // The chart fills its panel (less the panel's padding) rather than keeping a phone's width.
      expect(Number(await chart.getAttribute('width'))).toBeGreaterThan(panel - 40);
    } finally {
      await page.close();
    }
  });

  it('order tables fit a laptop: every default column, the Total included, without scrolling sideways', async () => {
    const page = await env.signedInPage('admin', { viewport: DESKTOP });
    try {
      const lists = [{ path: '/orders', label: 'View All Orders' }, { path: '/review', label: 'Review Orders' },
        ...LIFE_CYCLE.map((d) => ({ path: d.path, label: `${d.label} queue` }))];
      for (const { path, label } of lists) {
        await page.goto(`${env.baseUrl}${path}`);
        await page.locator('.od-table-wrap[aria-busy="false"], .state-empty').first().waitFor();
        if (await page.getByRole('table', { name: label }).count() === 0) continue; // an empty queue
        const wrap = await page.locator('.od-table-wrap').first().evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        expect(wrap.scroll, `${label}: the table is ${wrap.scroll}px wide in ${wrap.client}px`).toBeLessThanOrEqual(wrap.client);
      }
      // A cut customer or email keeps its whole text in a tooltip.
      await page.goto(`${env.baseUrl}/orders`);
      const email = page.getByRole('table', { name: 'View All Orders' }).locator('tbody tr').first().locator('.od-ellipsis').last();
      expect(await email.getAttribute('title')).toBe(await email.textContent());
    } finally {
      await page.close();
    }
  });

  it('the dashboard\'s figures fit a phone\'s tiles, or keep the whole figure in a tooltip', async () => {
    await withPhone(async (page) => {
      await page.goto(env.baseUrl);
      const revenue = page.getByTestId('figure-revenue');
      await revenue.waitFor();
      const fits = await revenue.evaluate((el) => el.scrollWidth <= el.clientWidth);
      const title = await revenue.getAttribute('title');
      expect(fits || title === await revenue.textContent(), 'the revenue shows whole, or has it in a tooltip').toBe(true);
      expect(title).toBe(await revenue.textContent());
    });
  });

  it('order lists fit a phone, with the filters, every dropdown, the column chooser and a selection open', async () => {
    await withPhone(async (page) => {
      const lists = [{ path: '/orders', label: 'View All Orders' }, { path: '/review', label: 'Review Orders' },
        ...LIFE_CYCLE.map((d) => ({ path: d.path, label: d.label }))];
      for (const { path, label } of lists) {
        await page.goto(`${env.baseUrl}${path}`);
        await page.locator('.od-table-wrap[aria-busy="false"], .state-empty').first().waitFor();
        await expectNoSidewaysScroll(page, label);

        await page.getByRole('button', { name: /^More filters/ }).click();
        await page.getByRole('button', { name: 'Fewer filters' }).waitFor();
        await expectNoSidewaysScroll(page, `${label}, more filters`);
        // Each dropdown hangs from its own field; those in the right-hand column must open leftwards.
        const dropdowns = page.locator('details.od-multi');
        for (let i = 0; i < await dropdowns.count(); i++) {
          await dropdowns.nth(i).locator('summary').click();
          await dropdowns.nth(i).locator('fieldset').waitFor();
          await page.waitForFunction((el) => el?.hasAttribute('data-align'), await dropdowns.nth(i).elementHandle()); // placed on its toggle event
          await expectNoSidewaysScroll(page, `${label}, dropdown ${await dropdowns.nth(i).locator('summary').getAttribute('aria-label')}`);
          await page.keyboard.press('Escape');
        }
        const columns = page.locator('details.od-columns');
        await columns.locator('summary').click();
        await columns.getByRole('group', { name: 'Columns' }).waitFor();
        await page.waitForFunction((el) => el?.hasAttribute('data-align'), await columns.elementHandle());
        await expectNoSidewaysScroll(page, `${label}, column chooser`);
        const chooser = await columns.getByRole('group', { name: 'Columns' }).boundingBox();
        expect(chooser!.x, `${label}: the column chooser starts on screen`).toBeGreaterThanOrEqual(0);
        await page.keyboard.press('Escape');

        const selectAll = page.getByRole('checkbox', { name: 'Select all on this page' });
        if (await selectAll.count() === 0) continue; // View All Orders and Review Orders move nothing in bulk
        await selectAll.check();
        await page.getByText(/\d+ selected/).first().waitFor();
        await expectNoSidewaysScroll(page, `${label}, all selected`);
      }
    });
  }, 120_000); // twelve lists, each with every dropdown opened: ~17 s alone, twice that beside the other test worker

  it('an order\'s detail fits a phone, also with its forms open', async () => {
    await withPhone(async (page) => {
      for (const stage of ['accounts_receivable', 'fraud_review', 'shipping_department', 'completed_order']) {
        const number = await orderIn(stage);
        await page.goto(`${env.baseUrl}/orders/${number}`);
        await page.getByRole('heading', { level: 1, name: new RegExp(number) }).waitFor();
        await page.getByRole('heading', { name: 'History' }).waitFor();
        await page.waitForLoadState('networkidle');
        await expectNoSidewaysScroll(page, `order ${number} (${stage})`);

        const editItems = page.getByRole('button', { name: 'Edit items' });
        if (await editItems.isVisible()) {
          await editItems.click();
          await page.locator('.od-line').first().waitFor();
        }
        for (const edit of await page.getByRole('button', { name: /^Edit (billing|shipping) address$/ }).all()) {
          if (await edit.isVisible()) await edit.click();
        }
        await expectNoSidewaysScroll(page, `order ${number} (${stage}), forms open`);
      }
    });
  });

  it('every settings section fits a phone', async () => {
    await withPhone(async (page) => {
      await page.goto(`${env.baseUrl}/settings`);
      const tabs = page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link');
      await tabs.first().waitFor();
      const sections = await tabs.evaluateAll((links) => links.map((a) => ({ href: a.getAttribute('href')!, label: a.textContent ?? '' })));
      expect(sections.length, 'an admin sees every section').toBeGreaterThanOrEqual(4);
      for (const section of sections) {
        await page.goto(`${env.baseUrl}${section.href}`);
        await page.locator('.st-page .panel').first().waitFor();
        await page.waitForLoadState('networkidle');
        await expectNoSidewaysScroll(page, `settings: ${section.label}`);
      }
    });
  });

  it('sign-in and not-found pages fit a phone', async () => {
    const page = await env.newPage({ viewport: PHONE });
    try {
      await page.goto(env.baseUrl);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await expectNoSidewaysScroll(page, 'sign-in');
    } finally {
      await page.close();
    }
    await withPhone(async (page) => {
      await page.goto(`${env.baseUrl}/no-such-page`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await expectNoSidewaysScroll(page, 'not found');
    });
  });

  it('serves a favicon: the SVG index.html links to, and /favicon.ico for browsers that ask for it anyway', async () => {
    const page = await env.newPage();
    try {
      const notFound: string[] = [];
      page.on('response', (response) => { if (response.status() === 404) notFound.push(response.url()); });
      await page.goto(env.baseUrl);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();

      const href = await page.locator('link[rel="icon"]').getAttribute('href');
      expect(href).toBe('/favicon.svg');
      const svg = await page.request.get(new URL(href!, env.baseUrl).href);
      expect(svg.status()).toBe(200);
      expect(svg.headers()['content-type']).toMatch(/^image\/svg\+xml/);
      expect(await svg.text()).toContain('<svg');

      const ico = await page.request.get(`${env.baseUrl}/favicon.ico`, { headers: { accept: 'image/avif,image/webp,image/*,*/*;q=0.8' } });
      expect(ico.status()).toBe(200);
      expect(ico.headers()['content-type']).toMatch(/^image\//);
      const bytes = await ico.body();
      expect([...bytes.subarray(0, 4)], 'an .ico file header (reserved 0, type 1 = icon)').toEqual([0, 0, 1, 0]);

      // Whatever the Accept header, the file answers: the catch-all that sends index.html to pages must not take it.
      const html = await page.request.get(`${env.baseUrl}/favicon.ico`, { headers: { accept: 'text/html,*/*' } });
      expect(html.status()).toBe(200);
      expect(html.headers()['content-type']).toMatch(/^image\//);
      expect(notFound, 'nothing the page loaded was missing').toEqual([]);
    } finally {
      await page.close();
    }
  });
});

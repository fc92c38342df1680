/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { type Percentiles, percentiles } from './latency.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BackOfficeFigures {
  /** Navigation to View All Orders until its first page of orders is on screen, in a fresh browser context (empty cache). */
  coldLoad: Percentiles;
  /** "Next ›" until page 2 is on screen. */
  nextPage: Percentiles;
  /** Quick search (an e-mail) until its result is on screen. */
  filter: Percentiles;
  /** What that cold navigation transferred: scripts and styles, compressed as sent. */
  firstLoadKb: { js: number; css: number };
}

/** Drives the built back office in Debian's Chromium against the bench server. */
export async function measureBackOffice(baseUrl: string, email: string, password: string, emails: string[], runs = 10): Promise<BackOfficeFigures | undefined> {
  if (!existsSync(CHROMIUM)) {
    console.error(`[browser] no Chromium at ${CHROMIUM}: back-office figures skipped`);
    return undefined;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const cold: number[] = [];
  const next: number[] = [];
  const filter: number[] = [];
  let firstLoadKb = { js: 0, css: 0 };
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const login = await context.request.post(`${baseUrl}/api/v1/auth/login`, { data: { email, password } });
      if (!login.ok()) throw new Error(`bench sign-in failed: ${login.status()}`);
      const page = await context.newPage();
      const bytes = { js: 0, css: 0 };
      page.on('response', (res) => {
        const type = res.url().endsWith('.js') ? 'js' : res.url().endsWith('.css') ? 'css' : undefined;
        if (type) bytes[type] += Number(res.headers()['content-length'] ?? 0);
      });
      // Timed inside the page (navigation start → first row in the DOM; click → rows replaced), so the
      // figures are the app's and not the automation's own polling and actionability checks.
      await page.addInitScript(`new MutationObserver((_m, observer) => {
        if (document.querySelector('table[aria-label="View All Orders"] tbody tr td')) {
          window.rowsAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });`);
      await page.goto(`${baseUrl}/orders`);
      await page.waitForFunction(() => (window as unknown as { rowsAt?: number }).rowsAt !== undefined);
      cold.push(await page.evaluate(() => (window as unknown as { rowsAt: number }).rowsAt));
      if (run === 0) firstLoadKb = { js: Math.round(bytes.js / 102.4) / 10, css: Math.round(bytes.css / 102.4) / 10 };

      next.push(await clickUntil(page, 'Next ›', null));
      const wanted = emails[run % emails.length]!;
      await page.getByLabel('Quick search').fill(wanted);
      filter.push(await clickUntil(page, 'Find', wanted));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { coldLoad: percentiles(cold), nextPage: percentiles(next), filter: percentiles(filter), firstLoadKb };
}

/**
 * Clicks a button in the page and resolves, in ms, at the frame where the first result row changed (or
 * shows `text`). Sent as source text: tsx would otherwise wrap the inner functions in a helper the page
 * does not have.
 */
function clickUntil(page: Page, button: string, text: string | null): Promise<number> {
  return page.evaluate(`(async () => {
    const button = ${JSON.stringify(button)}, text = ${JSON.stringify(text)};
    const firstRow = () => document.querySelector('tbody tr')?.textContent ?? '';
    const before = firstRow();
    const target = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === button);
    if (!target) throw new Error('no button ' + button);
    const start = performance.now();
    target.click();
    await new Promise((resolve, reject) => {
      const check = () => {
        const row = firstRow();
        if (row && (text === null ? row !== before : row.includes(text))) resolve();
        else if (performance.now() - start > 30000) reject(new Error('no result after clicking ' + button));
        else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - start;
  })()`) as Promise<number>;
}

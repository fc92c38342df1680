import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
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
      const table = page.getByRole('table', { name: 'View All Orders' });
      let start = performance.now();
      await page.goto(`${baseUrl}/orders`);
      await table.locator('tbody tr').first().waitFor();
      cold.push(performance.now() - start);
      if (run === 0) firstLoadKb = { js: Math.round(bytes.js / 102.4) / 10, css: Math.round(bytes.css / 102.4) / 10 };

      start = performance.now();
      await page.getByRole('button', { name: 'Next ›' }).click();
      await page.getByText(/^Page 2\b/).waitFor();
      await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' }).catch(() => {});
      next.push(performance.now() - start);

      const wanted = emails[run % emails.length]!;
      start = performance.now();
      await page.getByLabel('Quick search').fill(wanted);
      await page.getByRole('button', { name: 'Find' }).click();
      await table.getByText(wanted, { exact: false }).first().waitFor();
      filter.push(performance.now() - start);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { coldLoad: percentiles(cold), nextPage: percentiles(next), filter: percentiles(filter), firstLoadKb };
}

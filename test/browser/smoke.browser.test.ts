import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, startBrowserEnv, type BrowserEnv } from './harness.js';

describeInBrowser('back office shell', () => {
  let env: BrowserEnv;
  beforeAll(async () => { env = await startBrowserEnv({ orders: 50 }); });
  afterAll(async () => { await env?.close(); });

  it('serves the app at / and deep links', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.baseUrl}/orders/OD-1`);
    expect(await page.title()).toBe('Orderdeck');
    await page.close();
  });
});

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page, type ViewportSize } from 'playwright-core';
import { describe } from 'vitest';
import type { Role } from '../../src/auth/permissions.js';
import { createUser } from '../../src/auth/users.service.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedOrders } from '../../src/demo/seed-orders.js';
import { buildApp } from '../../src/http/app.js';
import { findWebRoot } from '../../src/http/web-app.js';
import { testConfig } from '../../src/test-support/app.js';
import { createTestDatabase, type DialectName, testDialects, type TestDatabase } from '../../src/test-support/databases.js';

/**
 * Browser tests drive Debian's Chromium (never a downloaded browser) against a real server on a free
 * port, serving the built back office from dist/web. Without Chromium they are skipped loudly on a
 * developer machine; under CI=true that is a failure.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function browserPrerequisites(): string | null {
  if (!existsSync(CHROMIUM_PATH)) return `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (!findWebRoot()) return 'the web back office is not built (npm run build)';
  return null;
}

/**
 * describe() for browser tests, once per test database (SQLite, and PostgreSQL when DATABASE_URL is set):
 * skipped with a loud warning locally, failing under CI, when it cannot run.
 */
export function describeInBrowser(name: string, body: (dialect: DialectName) => void): void {
  const missing = browserPrerequisites();
  for (const dialect of testDialects()) {
    const title = `${name} [${dialect}]`;
    if (!missing) {
      describe(title, () => body(dialect));
      continue;
    }
    if (process.env.CI === 'true') throw new Error(`browser tests cannot run under CI: ${missing}`);
    console.warn(`\n*** SKIPPING BROWSER TESTS "${title}": ${missing} ***\n`);
    describe.skip(title, () => body(dialect));
  }
}

export const PASSWORD = 'correct horse battery staple';

export interface BrowserEnv {
  baseUrl: string;
  db: Db;
  app: FastifyInstance;
  browser: Browser;
  /** Creates a user with the given role (and the shared test password); returns the email. */
  user(role: Role, name?: string): Promise<string>;
  /** A new page signed in as a fresh user of that role (1280×800 unless a viewport is given). */
  signedInPage(role: Role, options?: PageOptions & { name?: string }): Promise<Page>;
  /** A new page, not signed in. */
  newPage(options?: PageOptions): Promise<Page>;
  close(): Promise<void>;
}

let users = 0;
/** Browsers of the PostgreSQL runs: the README's pictures are taken once, on SQLite. */
const notPictured = new WeakSet<Browser>();

/** The two sizes the back office is built for: a laptop and a tablet held upright. */
export const DESKTOP: ViewportSize = { width: 1280, height: 800 };
export const TABLET: ViewportSize = { width: 820, height: 1180 };
/** A phone held upright: the pages must still fit its width, without scrolling sideways. */
export const PHONE: ViewportSize = { width: 390, height: 844 };

export interface PageOptions {
  viewport?: ViewportSize;
  /** e.g. 'en-US'; the browser's default when left out. */
  locale?: string;
  /** e.g. 'America/New_York'; the machine's zone when left out. */
  timezoneId?: string;
}

/**
 * A database seeded with `orders` demo orders across every stage (a SQLite file, or a PostgreSQL schema of
 * its own), a server and a browser.
 */
export async function startBrowserEnv({ orders = 300, dialect = 'sqlite' }: { orders?: number; dialect?: DialectName } = {}): Promise<BrowserEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'orderdeck-browser-'));
  let database: TestDatabase | undefined;
  if (dialect === 'postgres') database = await createTestDatabase('postgres');
  const db = database?.db ?? createDatabase({ sqlitePath: join(dir, 'orderdeck.db') });
  if (!database) await migrateToLatest(db);
  if (orders > 0) await seedOrders(db, { orders, orderNumberPrefix: 'OD-', batchSize: 1000 });
  const app = await buildApp({ config: testConfig(), db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS });
  if (dialect !== 'sqlite') notPictured.add(browser);

  const user = async (role: Role, name = `Test ${role}`) => {
    const email = `${role}.${++users}.${Date.now().toString(36)}@browser.orderdeck.dev`;
    await createUser(db, { email, name, role, password: PASSWORD });
    return email;
  };
  const newPage = ({ viewport = DESKTOP, locale, timezoneId }: PageOptions = {}) =>
    browser.newPage({ viewport, ...(locale ? { locale } : {}), ...(timezoneId ? { timezoneId } : {}) });
  const signedInPage = async (role: Role, { name, ...options }: PageOptions & { name?: string } = {}) => {
    const page = await newPage(options);
    await signIn(page, baseUrl, await user(role, name));
    return page;
  };
  return {
    baseUrl, db, app, browser, user, signedInPage, newPage,
    close: async () => {
      await browser.close();
      await app.close();
      await (database ? database.destroy() : db.destroy());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the sign-in page and waits for the navigation to appear. */
export async function signIn(page: Page, baseUrl: string, email: string, password = PASSWORD): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Back office' }).waitFor();
}

/**
 * Keeps the latest screenshot of a screen in docs/screenshots, shown in the README. Animations are
 * stopped and the text caret hidden so the picture does not depend on timing; `fullPage` captures
 * beyond the viewport.
 */
export async function screenshot(page: Page, name: string, { fullPage = false }: { fullPage?: boolean } = {}): Promise<void> {
  const browser = page.context().browser();
  if (browser && notPictured.has(browser)) return; // the same screens again, on the other database
  const dir = join(import.meta.dirname, '../../docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage, animations: 'disabled', caret: 'hide' });
}

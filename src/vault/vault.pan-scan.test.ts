import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createUser } from '../auth/users.service.js';
import { closeDatabase, createDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { buildApp, loggerOptions } from '../http/app.js';
import { cardNumberSpans } from '../shared/card-number.js';
import { testConfig } from '../test-support/app.js';
import { grouped, testCardNumber } from '../test-support/cards.js';
import { createTestDatabase, type DialectName, testDialects } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';
import { openVaultKeyring } from './open-keyring.js';
import { revealCard } from './reveal-card.js';
import { createHttpGateway } from '../payments/gateway/http-gateway.js';
import { createPaymentServices } from '../payments/payment-services.js';
import { type SandboxGateway, startSandboxGateway } from '../payments/sandbox/sandbox-server.js';
import { sandboxCard, uniqueApprovedCard } from '../test-support/payments.js';

/**
 * The PAN scan: cards go in through the API (and bad requests carrying card numbers), orders are made
 * with their tokens, the gateway path reveals one; then the database's own bytes (SQLite file and WAL,
 * or a text dump of every PostgreSQL table), every response and every log line are searched for any
 * Luhn-valid sequence of 13–19 digits, with the request check's own logic (cardNumberSpans: digit groups
 * joined by single spaces or dashes, any whole groups of them, so a number next to other digits counts).
 * Nothing may turn up: the vault's ciphertext is the only place a number exists, and random bytes do not
 * spell one.
 */
const startedAt = Date.now();
const year = new Date().getUTCFullYear() + 3;

/** What the request check would refuse (cardNumberSpans), minus this run's epoch-ms timestamps and pieces of digests. */
function pansIn(text: string): string[] {
  const found: string[] = [];
  for (const { digits, start, end } of cardNumberSpans(text)) {
    if (digits.length === 13 && Math.abs(Number(digits) - startedAt) < 7 * 86_400_000) continue; // an epoch-ms time near this run (log "time", created_at, a session's expiry)
    if (insideHexDigest(text, start, end)) continue;
    found.push(digits);
  }
  return found;
}

/**
 * Card fingerprints, token hashes and other digests are 64 hex characters of random-looking output, and a
 * run of 13+ decimal digits inside one turns up now and then. A digit run whose surrounding hex word is
 * digest-long (32+ characters, with letters) is part of such a value, not a number anyone typed; a card
 * number stored in clear next to ordinary text ("card4111…") sits in a short hex word and is still found.
 */
function insideHexDigest(text: string, start: number, end: number): boolean {
  const hex = /[0-9a-fA-F]/;
  let from = start;
  let to = end;
  while (from > 0 && hex.test(text[from - 1]!)) from--;
  while (to < text.length && hex.test(text[to]!)) to++;
  const word = text.slice(from, to);
  return word.length >= 32 && /[a-fA-F]/.test(word);
}

const CARDS = [
  { number: testCardNumber('4', 16, 1), cvc: '123', holderName: 'Ada Lovelace' },
  { number: testCardNumber('4', 19, 2) },
  { number: testCardNumber('2221', 16, 3), cvc: '321' },
  { number: testCardNumber('37', 15, 4), cvc: '4321', holderName: 'Grace Hopper' },
  { number: testCardNumber('6011', 16, 5) },
  { number: testCardNumber('36', 14, 6) },
  { number: testCardNumber('3530', 16, 7) },
  { number: testCardNumber('62', 19, 8) },
  { number: testCardNumber('9', 13, 9) },
];
/** Charged through the sandbox gateway: an approving card per order, and the sandbox's declining test card. */
const CHARGED = [uniqueApprovedCard(), uniqueApprovedCard(), uniqueApprovedCard()];
const DECLINING = sandboxCard('declined (generic)');
const ALL_NUMBERS = [...CARDS.map((c) => c.number), ...CHARGED, DECLINING];

for (const dialect of testDialects()) {
  describe(`PAN scan [${dialect}]`, () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-pan-scan-'));
    let db: Db;
    let destroy: () => Promise<void>;
    const logLines: string[] = [];
    const responses: string[] = [];
    let app: Awaited<ReturnType<typeof buildApp>>;
    let key: string;
    let requestNo = 0;
    let config: ReturnType<typeof testConfig>;
    let sandbox: SandboxGateway;

    beforeAll(async () => {
      ({ db, destroy } = await openDatabase(dialect, dataDir));
      const stream = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
      config = testConfig({ dataDir, vaultKeys: undefined, gatewaySecret: 'pan-scan-gateway-secret' }); // the key file, so its failure below is a real 500
      sandbox = await startSandboxGateway({ port: 0, host: '127.0.0.1', secret: config.gatewaySecret! });
      const payments = createPaymentServices(openVaultKeyring(config), createHttpGateway({ baseUrl: sandbox.url, secret: config.gatewaySecret!, name: 'sandbox' }));
      app = await buildApp({ config, db, logger: { ...(loggerOptions('trace') as object), stream }, payments });
      await app.ready();
      const userId = await createUser(db, { email: 'scanner@test.orderdeck.dev', name: 'Scanner', role: 'admin', password: 'correct horse battery staple' });
      key = (await createApiKey(db, { userId, name: 'pan scan' })).key;
    });
    afterAll(async () => {
      await sandbox.close();
      await app.close();
      await destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    /** Every request goes through here, so every response is kept for the scan. Fixed request ids keep UUID digits out of the logs. */
    const call = async (opts: { method: 'GET' | 'POST'; url: string; payload?: unknown; body?: string; headers?: Record<string, string>; auth?: boolean }) => {
      const res = await app.inject({
        method: opts.method, url: opts.url,
        ...(opts.body !== undefined ? { body: opts.body } : opts.payload !== undefined ? { payload: opts.payload as object } : {}),
        headers: { 'x-request-id': `scan-${++requestNo}`, ...(opts.auth === false ? {} : { authorization: `Bearer ${key}` }), ...opts.headers },
      });
      responses.push(`${res.statusCode} ${JSON.stringify(res.headers)}\n${res.body}`);
      return res;
    };

    it('stores cards, refuses bad requests carrying card numbers, makes orders with the tokens and reveals one for the gateway', async () => {
      const tokens = [];
      for (const [i, c] of CARDS.entries()) {
        // An Idempotency-Key is ignored here: the idempotency table would keep a plain hash of the body.
        const headers: Record<string, string> = i === 0 ? { 'idempotency-key': 'scan-card-0' } : {};
        const res = await call({ method: 'POST', url: '/api/v1/vault/cards', headers, payload: { ...c, number: i % 2 ? grouped(c.number) : c.number, expMonth: 1 + i, expYear: year } });
        expect(res.statusCode, res.body).toBe(201);
        tokens.push(res.json());
      }
      const pan = CARDS[0]!.number;
      const refused = [
        await call({ method: 'POST', url: '/api/v1/vault/cards', payload: { number: pan, expMonth: 1, expYear: 2001 } }),
        await call({ method: 'POST', url: '/api/v1/vault/cards', payload: { number: pan, expMonth: 1, expYear: year, cvc: '12' } }),
        await call({ method: 'POST', url: '/api/v1/vault/cards', payload: { number: pan, expMonth: 1, expYear: year, extra: pan } }),
        await call({ method: 'POST', url: '/api/v1/vault/cards', body: `{"number":"${pan}",`, headers: { 'content-type': 'application/json' } }),
        await call({ method: 'POST', url: '/api/v1/vault/cards', body: pan, headers: { 'content-type': 'text/plain' } }),
        await call({ method: 'POST', url: '/api/v1/vault/cards', payload: { number: pan, expMonth: 1, expYear: year }, auth: false }),
        await call({ method: 'POST', url: '/api/v1/customers', payload: { email: 'holder@example.com', company: pan } }),
        await call({ method: 'POST', url: '/api/v1/orders', payload: orderInput({ notes: [`card ${grouped(pan)}`] }) }),
        await call({ method: 'POST', url: '/api/v1/orders', payload: orderInput({ notes: [`ref 99 ${grouped(pan)} 12/26`] }) }), // next to other digits
        await call({ method: 'GET', url: `/api/v1/customers?name=${pan}` }), // a query string is part of the URL
        await call({ method: 'GET', url: `/api/v1/orders?q=${encodeURIComponent(`ref 99 ${grouped(pan)}`)}` }),
        await call({ method: 'POST', url: `/api/v1/orders?ref=${pan}`, payload: orderInput(), headers: { 'idempotency-key': 'scan-query-pan' } }), // the key's record would keep the URL
      ];
      expect(refused.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400, 401, 400, 400, 400, 400, 400, 400]);

      for (const card of tokens.slice(0, 4)) {
        const payment = { method: 'credit_card' as const, status: 'processed' as const, card: { token: card.token, brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear } };
        const created = await call({ method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment }) });
        expect(created.statusCode, created.body).toBe(201);
        expect((await call({ method: 'GET', url: created.headers.location as string })).statusCode).toBe(200);
      }
      expect((await call({ method: 'GET', url: '/api/v1/orders?limit=50' })).statusCode).toBe(200);
      expect((await revealCard(db, openVaultKeyring(config), tokens[0].token)).number).toBe(pan);
      // An unexpected failure while a card is in the body: a 500 that says nothing, and a log line with the error only.
      const keyFile = path.join(dataDir, 'vault-keys.json');
      const keyFileText = fs.readFileSync(keyFile);
      fs.rmSync(keyFile);
      fs.writeFileSync(keyFile, '{ broken', { mode: 0o600 });
      const failed = await call({ method: 'POST', url: '/api/v1/vault/cards', payload: { number: pan, expMonth: 1, expYear: year, cvc: '123' } });
      fs.rmSync(keyFile);
      fs.writeFileSync(keyFile, keyFileText, { mode: 0o600 });
      expect(failed.json()).toMatchObject({ status: 500, code: 'internal' });
      expect(logLines.some((l) => l.includes('unhandled error') && l.includes('is not valid JSON'))).toBe(true);
      expect(await db.selectFrom('idempotency_keys').select('key').where('path', 'like', '/api/v1/vault/%').execute()).toEqual([]);
    });

    it('charges cards through the gateway, refunds one, and takes a new card through a pay link', async () => {
      const vault = async (number: string) => (await call({ method: 'POST', url: '/api/v1/vault/cards', payload: { number, expMonth: 12, expYear: year } })).json().token as string;
      const orders = [];
      for (const number of CHARGED) {
        const created = await call({ method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: { method: 'credit_card', card: { token: await vault(number) } } }) });
        expect(created.json()).toMatchObject({ stage: 'shipping_department', payment: { status: 'processed' } });
        orders.push(created.json());
      }
      const refund = await call({ method: 'POST', url: `/api/v1/orders/${orders[0].orderId}/refunds`, payload: { items: [{ lineNo: 1, quantity: 1 }], reason: 'goodwill', method: 'gateway' } });
      expect(refund.statusCode, refund.body).toBe(200);
      expect((await call({ method: 'GET', url: `/api/v1/orders/${orders[0].orderId}/payments` })).json().status).toBe('partially_refunded');

      const unpaid = (await call({ method: 'POST', url: '/api/v1/orders', payload: orderInput({ payment: { method: 'credit_card', card: { token: await vault(DECLINING) } } }) })).json();
      expect(unpaid.stage).toBe('accounts_receivable');
      const link = await call({ method: 'POST', url: `/api/v1/orders/${unpaid.orderId}/payment-requests`, payload: {} });
      expect(link.statusCode, link.body).toBe(201);
      const payPath = new URL(link.json().url).pathname.replace('/pay/', '/api/v1/pay/');
      const declined = await call({ method: 'POST', url: payPath, auth: false, payload: { number: DECLINING, expMonth: 12, expYear: year } });
      expect(declined.json().status).toBe('declined');
      const paid = await call({ method: 'POST', url: payPath, auth: false, payload: { number: CHARGED[2], expMonth: 12, expYear: year, cvc: '123' } });
      expect(paid.json().status, paid.body).toBe('paid');
      expect((await call({ method: 'GET', url: `/api/v1/orders/${unpaid.orderId}` })).json().stage).toBe('shipping_department');
    });

    it('finds no card number in the database, the responses or the logs', async () => {
      const dump = await databaseText(db, dialect, dataDir);
      expect(dump.length).toBeGreaterThan(1000);
      // Measured durations are dropped: the 16 digits of a float's fraction are Luhn-valid one time in ten.
      const logs = logLines.map((line) => JSON.stringify({ ...JSON.parse(line), responseTime: undefined })).join('\n');
      expect(logs).toContain('"path":"/api/v1/vault/cards"'); // the log was captured, at trace level
      expect(logs).toContain('"path":"/api/v1/pay/[token]"'); // a pay link's token is a credential: masked
      for (const [where, text] of [['database', dump], ['responses', responses.join('\n')], ['logs', logs]] as const) {
        expect(pansIn(text), where).toEqual([]);
        for (const number of ALL_NUMBERS) {
          expect(text.includes(number) || text.includes(grouped(number)) || text.includes(grouped(number, '-')), `${where} holds a stored number`).toBe(false);
        }
      }
      // The vault holds what it should, and only that: ciphertext, last four, brand.
      const rows = await db.selectFrom('vault_cards').select(['last4', 'brand']).execute();
      expect(rows).toHaveLength(CARDS.length + CHARGED.length + 3); // + the declining card, and the two cards given on the pay page
    });

    it('would find a number stored in clear (the scan is not blind)', async () => {
      const number = testCardNumber('4', 16, 42);
      expect(pansIn(JSON.stringify({ note: `pay with ${grouped(number, '-')}` }))).toEqual([number]);
      expect(pansIn(`card${number}`)).toEqual([number]); // a card number packed next to a short word
      // Next to other digits: a reference before it, an expiry or a security code after it.
      expect(pansIn(`ref 99 ${grouped(number)} 12/26`)).toContain(number);
      expect(pansIn(`${number} 123`)).toContain(number);
      expect(pansIn(`order 12 ${grouped(number, '-')} exp 12 26`)).toContain(number);
      expect(pansIn(`${'ab12'.repeat(6)}${number}${'cd'.repeat(4)}`)).toEqual([]); // inside a digest-long hex value
      if (dialect !== 'sqlite') return;
      const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-pan-control-'));
      const scratch = await openDatabase('sqlite', scratchDir);
      await scratch.db.insertInto('settings').values({ key: 'control', value_json: JSON.stringify(`ref 99 ${grouped(number)} 12/26`) }).execute();
      expect(pansIn(await databaseText(scratch.db, 'sqlite', scratchDir))).toContain(number);
      await scratch.destroy();
      fs.rmSync(scratchDir, { recursive: true, force: true });
    });
  });
}

async function openDatabase(dialect: DialectName, dataDir: string): Promise<{ db: Db; destroy: () => Promise<void> }> {
  if (dialect === 'postgres') return createTestDatabase('postgres');
  // A file database, so its bytes on disk (and in the WAL) can be read.
  const db = createDatabase({ sqlitePath: path.join(dataDir, 'orderdeck.sqlite') });
  await migrateToLatest(db);
  return { db, destroy: () => closeDatabase(db) };
}

/**
 * SQLite: the raw bytes of the database file and its WAL (read as Latin-1, so any ASCII digit shows).
 * PostgreSQL: every table of the schema as JSON text; the vault's binary columns as base64, since a
 * hex rendering of random bytes is full of digit runs that are not card numbers.
 */
async function databaseText(db: Db, dialect: DialectName, dataDir: string): Promise<string> {
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'orderdeck.sqlite');
    return ['', '-wal', '-shm'].filter((s) => fs.existsSync(file + s)).map((s) => fs.readFileSync(file + s).toString('latin1')).join('\n');
  }
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = current_schema()`.execute(db);
  const parts: string[] = [];
  for (const { table_name: table } of tables.rows) {
    const rows = table === 'vault_cards'
      ? await sql<{ t: string }>`select row_to_json(v)::text as t from (select token, key_id, encode(iv, 'base64') as iv, encode(ciphertext, 'base64') as ciphertext, encode(auth_tag, 'base64') as auth_tag, brand, last4, exp_month, exp_year, fingerprint, created_at, last_used_at from vault_cards) v`.execute(db)
      : await sql<{ t: string }>`select row_to_json(x)::text as t from ${sql.table(table)} x`.execute(db);
    parts.push(`-- ${table}\n${rows.rows.map((r) => r.t).join('\n')}`);
  }
  expect(parts.some((p) => p.startsWith('-- vault_cards\n{'))).toBe(true);
  expect(parts.some((p) => p.startsWith('-- orders\n{'))).toBe(true);
  return parts.join('\n');
}

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The CLI end to end, as an operator runs it: each case spawns `tsx src/cli.ts` (about a second
 * apiece), so there are few of them and they share one data directory in order.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return cliWith({}, ...args);
}

function cliWith(extra: NodeJS.ProcessEnv, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, ORDERDECK_DATA_DIR: dir, ORDERDECK_DEMO_DATA: '0' };
  delete env.DATABASE_URL; // the file database in `dir`, whatever the test run points at
  Object.assign(env, extra);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('orderdeck CLI', { timeout: 120_000 }, () => {
  it('seeds demo orders with progress on stderr', () => {
    const r = cli('seed', '--orders', '120', '--batch', '50');
    expect(r.err).toContain('120/120 orders');
    expect(r.out).toMatch(/seeded 120 orders \([\d,]+ rows\)/);
    expect(r.code).toBe(0);
  });

  it('adds users, refusing unknown roles and duplicate e-mails', () => {
    const bad = cli('user', 'add', '--email', 'clerk@example.com', '--name', 'Clerk', '--role', 'wizard');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('unknown role "wizard"');

    const ok = cli('user', 'add', '--email', 'Clerk@Example.com', '--name', 'Clerk', '--role', 'fulfilment');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/password \(shown only this once\): \S{20}/);

    const dup = cli('user', 'add', '--email', 'clerk@example.com', '--name', 'Again', '--role', 'admin', '--password', 'long enough password');
    expect(dup.code).not.toBe(0);
    expect(dup.err).toContain('exists already');

    // The API's rules hold here too: no user the back office could never correct.
    const notEmail = cli('user', 'add', '--email', 'bad', '--name', 'Bad', '--role', 'manager', '--password', 'long enough password');
    expect(notEmail.code).not.toBe(0);
    expect(notEmail.err).toContain('"bad" is not an email address');
    const blank = cli('user', 'add', '--email', 'blank@example.com', '--name', 'Blank', '--role', 'manager', '--password', ' '.repeat(14));
    expect(blank.code).not.toBe(0);
    expect(blank.err).toContain('not counting spaces');
  });

  it('answers an operator\'s mistake with one line naming what to fix, not a stack trace', () => {
    for (const [env, expected] of [
      [{ ORDERDECK_RATE_LIMIT: '0' }, 'ORDERDECK_RATE_LIMIT must be a whole number from 1'],
      [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info'],
      [{ DATABASE_URL: 'mysql://db/orders' }, 'DATABASE_URL must be a postgres:// connection string'],
    ] as const) {
      const r = cliWith(env, 'migrate');
      expect(r.code, r.err).toBe(1);
      expect(r.err.trim()).toBe(`error: ${r.err.trim().slice(7)}`);
      expect(r.err).toContain(expected);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const unwritable = cliWith({}, 'backup', '--out', '/proc/orderdeck-backup.sqlite');
    expect(unwritable.code).toBe(1);
    expect(unwritable.err).not.toMatch(/\n\s+at /);
  });

  it('issues an API key for an existing user only', () => {
    const key = cli('api-key', 'create', '--email', 'clerk@example.com', '--name', 'scanner', '--permissions', 'orders:view,shipping:act');
    expect(key.code).toBe(0);
    expect(key.out).toMatch(/^odk_\w+_\S+$/m);
    const missing = cli('api-key', 'create', '--email', 'nobody@example.com', '--name', 'x');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('no user with e-mail nobody@example.com');
  });

  it('records the users and keys it creates as events by the CLI and the OS account, as the API records its own', async () => {
    const added = cli('user', 'add', '--email', 'auditor@example.com', '--name', 'Auditor', '--role', 'manager', '--password', 'long enough password');
    expect(added.code, added.err).toBe(0);
    const key = cli('api-key', 'create', '--email', 'auditor@example.com', '--name', 'reports');
    expect(key.code, key.err).toBe(0);

    const { createDatabase, closeDatabase } = await import('./db/database.js');
    const db = createDatabase({ sqlitePath: path.join(dir, 'orderdeck.sqlite') });
    try {
      const user = await db.selectFrom('users').select('id').where('email', '=', 'auditor@example.com').executeTakeFirstOrThrow();
      const apiKey = await db.selectFrom('api_keys').select('id').where('name', '=', 'reports').executeTakeFirstOrThrow();
      const events = await db.selectFrom('outbox').select(['topic', 'aggregate_id', 'payload_json'])
        .where('topic', 'in', ['user.created', 'api_key.created']).orderBy('id').execute();
      const by = `system:cli:${os.userInfo().username}`;
      expect(events.map((e) => ({ ...e, payload_json: JSON.parse(e.payload_json) }))).toEqual(expect.arrayContaining([
        { topic: 'user.created', aggregate_id: String(user.id), payload_json: { userId: user.id, by } },
        { topic: 'api_key.created', aggregate_id: String(apiKey.id), payload_json: { apiKeyId: apiKey.id, ownerId: user.id, by } },
      ]));
    } finally {
      await closeDatabase(db);
    }
  });

  it('refuses a sandbox gateway webhook URL that is not http(s) at start, in one line naming the option', () => {
    for (const url of ['not a url', 'ftp://127.0.0.1/hook', 'localhost:3000/hook']) {
      const env: NodeJS.ProcessEnv = { ...process.env, ORDERDECK_DATA_DIR: dir };
      // A short timeout: before this was checked, the gateway started and listened until killed.
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sandbox-gateway', '--port', '0', '--webhook-url', url],
        { env, encoding: 'utf8', timeout: 15_000 });
      expect(r.status, r.stdout).toBe(1);
      expect(r.stdout).not.toContain('listening');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: option '--webhook-url <url>' argument '.*' is invalid\. .*(not a URL|http:\/\/ or https:\/\/)/);
    }
  });

  it('backs up the SQLite database to a new file', () => {
    const out = path.join(dir, 'backup.sqlite');
    const r = cli('backup', '--out', out);
    expect(r.code).toBe(0);
    expect(fs.statSync(out).size).toBeGreaterThan(0);
    // Customer data and credential hashes, like the database itself: the owner's alone.
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'orderdeck.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('rotates the card vault key, re-encrypting every card', async () => {
    const first = cli('vault', 'rotate-key');
    expect(first.out).toContain('new key k1 is current (key file); re-encrypted 0 cards');
    expect(fs.statSync(path.join(dir, 'vault-keys.json')).mode & 0o777).toBe(0o600);

    const [{ closeDatabase, createDatabase }, { transact }, { storeCard }, { revealCard }, { keyFileKeyring }, { testCardNumber }] = await Promise.all([
      import('./db/database.js'), import('./db/transact.js'), import('./vault/store-card.js'), import('./vault/reveal-card.js'),
      import('./vault/vault-key-file.js'), import('./test-support/cards.js'),
    ]);
    const open = () => createDatabase({ sqlitePath: path.join(dir, 'orderdeck.sqlite') });
    let db = open();
    const numbers = ['4', '51', '37'].map((prefix, i) => testCardNumber(prefix, prefix === '37' ? 15 : 16, i));
    const tokens = [];
    for (const number of numbers) {
      tokens.push((await transact(db, (trx) => storeCard(trx, keyFileKeyring(dir), { number, expMonth: 3, expYear: new Date().getUTCFullYear() + 2 }))).token);
    }
    await closeDatabase(db);

    const second = cli('vault', 'rotate-key', '--batch', '2');
    expect(second.err).toBe('');
    expect(second.out).toContain('new key k2 is current (key file); re-encrypted 3 cards');
    db = open();
    expect(new Set((await db.selectFrom('vault_cards').select('key_id').execute()).map((r) => r.key_id))).toEqual(new Set(['k2']));
    for (const [i, token] of tokens.entries()) expect((await revealCard(db, keyFileKeyring(dir), token)).number).toBe(numbers[i]);
    await closeDatabase(db);
  });
});

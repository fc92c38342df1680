import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from './db/database.js';
import { testDialects } from './test-support/databases.js';

/**
 * The operator's commands against PostgreSQL (DATABASE_URL), on a database of their own: `migrate` from
 * empty and again, `seed`, `user add`, `api-key create`, and `backup` pointing at pg_dump. (cli.test.ts
 * runs the same commands on the SQLite file.)
 */
describe.skipIf(!testDialects().includes('postgres'))('orderdeck CLI on PostgreSQL', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-cli-pg-'));
  const name = `cli_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = createDatabase({ databaseUrl: process.env.DATABASE_URL!, pgPoolSize: 1 });
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  let db: Db;
  beforeAll(async () => {
    await sql`create database ${sql.id(name)}`.execute(admin);
    db = createDatabase({ databaseUrl: url.href, pgPoolSize: 2 });
  });
  afterAll(async () => {
    await db.destroy();
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
    await admin.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => {
    const env = { ...process.env, DATABASE_URL: url.href, ORDERDECK_DATA_DIR: dir, ORDERDECK_DEMO_DATA: '0' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('migrates an empty database, and says so when it is up to date', () => {
    const first = cli('migrate');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^applied: 2026-11-26T0600-order-core, /m);
    const again = cli('migrate');
    expect(again.out.trim()).toBe('database is up to date');
  });

  it('seeds orders, adds a user and issues an API key, all in PostgreSQL and nothing in the data directory', async () => {
    const seeded = cli('seed', '--orders', '60', '--batch', '25');
    expect(seeded.code, seeded.err).toBe(0);
    expect(seeded.out).toMatch(/seeded 60 orders/);
    const user = cli('user', 'add', '--email', 'Packer@Example.com', '--name', 'Packer', '--role', 'fulfilment');
    expect(user.code, user.err).toBe(0);
    const dup = cli('user', 'add', '--email', 'packer@example.com', '--name', 'Again', '--role', 'admin', '--password', 'long enough password');
    expect(dup.err).toContain('exists already');
    const key = cli('api-key', 'create', '--email', 'packer@example.com', '--name', 'scanner', '--permissions', 'orders:view,shipping:act');
    expect(key.code, key.err).toBe(0);
    expect(key.out).toMatch(/^odk_\w+_\S+$/m);

    const orders = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(orders.n)).toBe(60);
    expect(await db.selectFrom('users').select(['email', 'role']).where('email', '=', 'packer@example.com').execute()).toEqual([{ email: 'packer@example.com', role: 'fulfilment' }]);
    expect(await db.selectFrom('api_keys').select('name').execute()).toEqual([{ name: 'scanner' }]);
    // Recorded as the API records them, with the CLI and the OS account as the actor.
    const events = await db.selectFrom('outbox').select(['topic', 'payload_json']).where('topic', 'in', ['user.created', 'api_key.created']).orderBy('id').execute();
    const by = `system:cli:${os.userInfo().username}`;
    expect(events.map((e) => [e.topic, JSON.parse(e.payload_json).by])).toEqual([['user.created', by], ['api_key.created', by]]);
    expect(fs.existsSync(path.join(dir, 'orderdeck.sqlite'))).toBe(false);
  });

  it('refuses `backup` with a pointer to pg_dump instead of writing a file', () => {
    const out = path.join(dir, 'backup.sqlite');
    const r = cli('backup', '--out', out);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/pg_dump/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApiKey, createUser } from '../auth/users.service.js';
import type { Role } from '../auth/permissions.js';
import { loadConfig, type Config } from '../config.js';
import type { Db } from '../db/database.js';
import { buildApp } from '../http/app.js';
import type { PaymentServices } from '../payments/payment-services.js';
import { VaultKey } from '../vault/vault-keys.js';

/** One vault key per test process, so no test writes a key file into ./data; pass `vaultKeys: undefined` to test the key file. */
const TEST_VAULT_KEYS = [new VaultKey('test', randomBytes(32))];

export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  ...loadConfig({}),
  demoData: false,
  rateLimitPerMinute: 1_000_000,
  vaultKeys: TEST_VAULT_KEYS,
  ...overrides,
});

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  /** An API key per role, created on demand. */
  keyFor(role: Role): Promise<string>;
  /** inject() as a role (bearer API key). */
  as(role: Role, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let userSeq = 0;

export async function buildTestApp(db: Db, config: Partial<Config> = {}, opts: { payments?: PaymentServices } = {}): Promise<TestApp> {
  const app = await buildApp({ config: testConfig(config), db, ...(opts.payments ? { payments: opts.payments } : {}) });
  await app.ready();
  const keys = new Map<Role, string>();
  const keyFor = async (role: Role) => {
    let key = keys.get(role);
    if (!key) {
      // No long digit runs: a 13–19 digit number in a body can look like a card number and be refused.
      const email = `${role}.p${process.pid}.n${++userSeq}.t${Date.now().toString(36)}@test.orderdeck.dev`;
      const userId = await createUser(db, { email, name: `Test ${role}`, role, password: 'correct horse battery staple' });
      key = (await createApiKey(db, { userId, name: `test ${role}` })).key;
      keys.set(role, key);
    }
    return key;
  };
  return {
    app,
    db,
    keyFor,
    as: async (role, opts) => app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${await keyFor(role)}` } }),
    close: () => app.close(),
  };
}

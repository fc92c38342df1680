import os from 'node:os';
import path from 'node:path';
import { decodeKey, parseVaultKeyList, VaultKey } from './vault/vault-keys.js';

/** Everything Orderdeck reads from the environment, parsed once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; absent means embedded SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  demoData: boolean;
  orderNumberPrefix: string;
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
  loginAttemptsPerWindow: number;
  sessionTtlHours: number;
  logLevel: string;
  /** Behind an HTTPS-terminating proxy: trust X-Forwarded-* so client IPs and Secure cookies are right. */
  trustProxy: boolean;
  /** A real payment gateway's base URL; absent means `serve` runs the built-in sandbox gateway. */
  gatewayUrl: string | undefined;
  /** The gateway API secret and notification signing secret; absent means one kept in `dataDir`. */
  gatewaySecret: string | undefined;
  /** Per attempt at the gateway, and attempts in all before an operation is left `unknown` for recovery. */
  gatewayTimeoutMs: number;
  gatewayAttempts: number;
  /** Port of the in-process sandbox gateway (0 picks a free one). */
  sandboxPort: number;
  /** ORDERDECK_VAULT_KEY: the card vault's AES-256 keys, current first; absent means the key file in `dataDir`. */
  vaultKeys: VaultKey[] | undefined;
  /** ORDERDECK_VAULT_FINGERPRINT_KEY: root of the card fingerprint secret, when it must outlive the oldest vault key. */
  vaultFingerprintKey: VaultKey | undefined;
  /** ORDERDECK_JOBS=0: `serve` runs no periodic jobs (another process does). */
  jobsEnabled: boolean;
  /** How often `serve` finishes payment operations left open (ORDERDECK_RECOVERY_INTERVAL_MS). */
  recoveryIntervalMs: number;
  /** How often `serve` runs the A/R retry schedule (ORDERDECK_AR_INTERVAL_MS). */
  arIntervalMs: number;
  /** Gateway calls the A/R retry schedule keeps in flight at once (ORDERDECK_AR_CONCURRENCY). */
  arConcurrency: number;
  /** ORDERDECK_WORKERS: HTTP server processes `serve` runs (`auto`: one per CPU core); 1 serves from the one process. */
  workers: number;
  /** ORDERDECK_MERCHANT_NAME: the shop's name as customers see it (payment request emails, the pay page). */
  merchantName: string;
  /**
   * ORDERDECK_PUBLIC_URL: where customers reach this installation (pay links in emails point here); no trailing
   * slash. Unset, it is where this server listens (`http://HOST:PORT`, see defaultPublicUrl).
   */
  publicUrl: string;
  /** ORDERDECK_PUBLIC_URL was not set: `publicUrl` is derived from HOST and PORT (see publicUrlWarning). */
  publicUrlDefaulted: boolean;
}

/** A setting an operator got wrong: the message names the variable and what it accepts, and is all they need to see. */
export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function oneOf(env: NodeJS.ProcessEnv, name: string, fallback: string, allowed: readonly string[]): string {
  const value = env[name] || fallback;
  if (!allowed.includes(value)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${env[name]}"`);
  return value;
}

function flagFrom(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(raw)) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  throw new Error(`${name} must be 1 or 0 (true/false, yes/no), got "${env[name]}"`);
}

function databaseUrlFrom(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.DATABASE_URL || undefined;
  if (raw === undefined) return undefined;
  let scheme: string;
  try {
    scheme = new URL(raw).protocol;
  } catch {
    throw new Error('DATABASE_URL must be a postgres:// connection string (or unset for embedded SQLite)');
  }
  if (scheme !== 'postgres:' && scheme !== 'postgresql:') {
    throw new Error(`DATABASE_URL must be a postgres:// connection string (or unset for embedded SQLite); "${scheme}//" is not supported`);
  }
  return raw;
}

function adminPasswordFrom(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.ORDERDECK_ADMIN_PASSWORD || undefined;
  if (raw !== undefined && raw.trim().length < 12) throw new Error('ORDERDECK_ADMIN_PASSWORD must be at least 12 characters (not counting spaces at either end)');
  return raw;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function between(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = intFrom(env, name, fallback);
  if (value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${env[name]}"`);
  return value;
}

function workersFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.ORDERDECK_WORKERS;
  if (raw === 'auto') return os.availableParallelism();
  const n = intFrom(env, 'ORDERDECK_WORKERS', 1);
  if (n < 1 || n > 64) throw new Error(`ORDERDECK_WORKERS must be auto or a whole number from 1 to 64, got "${raw}"`);
  return n;
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * Where this server is reached when ORDERDECK_PUBLIC_URL is not set: `http://HOST:PORT`, a wildcard address
 * named as this machine's loopback one (0.0.0.0 → 127.0.0.1, :: → localhost), since neither opens in a browser.
 */
export function defaultPublicUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? 'localhost' : host;
  return `http://${shown.includes(':') && !shown.startsWith('[') ? `[${shown}]` : shown}:${port}`;
}

function publicUrlFrom(env: NodeJS.ProcessEnv, host: string, port: number): string {
  const raw = env.ORDERDECK_PUBLIC_URL?.trim() || defaultPublicUrl(host, port);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`ORDERDECK_PUBLIC_URL must be an http:// or https:// URL (where customers reach this server), got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`ORDERDECK_PUBLIC_URL must be an http:// or https:// URL (where customers reach this server), got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * The start-up warning when pay links name an address customers may not reach: ORDERDECK_PUBLIC_URL is unset
 * while the server listens beyond this machine (HOST not loopback), so the links name this server's own
 * address (or 127.0.0.1 for 0.0.0.0). Undefined when there is nothing to say.
 */
export function publicUrlWarning(config: Pick<Config, 'publicUrl' | 'publicUrlDefaulted' | 'host'>): string | undefined {
  if (!config.publicUrlDefaulted || LOOPBACK.test(config.host)) return undefined;
  return `ORDERDECK_PUBLIC_URL is not set: pay links in payment-request emails point to ${config.publicUrl}, which customers may not reach; set it to this server's public address`;
}

/** Every setting, checked at start-up: a value that would only fail later (or quietly do nothing) is refused now. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return readConfig(env);
  } catch (error) {
    throw error instanceof ConfigError ? error : new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

function readConfig(env: NodeJS.ProcessEnv): Config {
  const port = between(env, 'PORT', 3000, 0, 65_535);
  const host = env.HOST || '127.0.0.1';
  return {
    port,
    host,
    databaseUrl: databaseUrlFrom(env),
    dataDir: path.resolve(env.ORDERDECK_DATA_DIR || './data'),
    adminEmail: env.ORDERDECK_ADMIN_EMAIL || undefined,
    adminPassword: adminPasswordFrom(env),
    demoData: env.ORDERDECK_DEMO_DATA !== '0',
    orderNumberPrefix: env.ORDERDECK_ORDER_PREFIX || 'OD-',
    bodyLimitBytes: between(env, 'ORDERDECK_BODY_LIMIT', 1024 * 1024, 1024, 1024 ** 3),
    // Zero would refuse every request (health checks and sign-in included), not switch the limit off.
    rateLimitPerMinute: between(env, 'ORDERDECK_RATE_LIMIT', 6000, 1, 100_000_000),
    loginAttemptsPerWindow: between(env, 'ORDERDECK_LOGIN_ATTEMPTS', 10, 1, 1_000_000),
    sessionTtlHours: between(env, 'ORDERDECK_SESSION_HOURS', 12, 1, 24 * 366),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    trustProxy: flagFrom(env, 'ORDERDECK_TRUST_PROXY'),
    gatewayUrl: env.ORDERDECK_GATEWAY_URL || undefined,
    gatewaySecret: env.ORDERDECK_GATEWAY_SECRET || undefined,
    gatewayTimeoutMs: between(env, 'ORDERDECK_GATEWAY_TIMEOUT_MS', 10_000, 100, 120_000),
    gatewayAttempts: between(env, 'ORDERDECK_GATEWAY_ATTEMPTS', 3, 1, 10),
    sandboxPort: between(env, 'ORDERDECK_SANDBOX_PORT', 3100, 0, 65_535),
    vaultKeys: parseVaultKeyList(env.ORDERDECK_VAULT_KEY),
    vaultFingerprintKey: env.ORDERDECK_VAULT_FINGERPRINT_KEY
      ? new VaultKey('fingerprint', decodeKey(env.ORDERDECK_VAULT_FINGERPRINT_KEY.trim(), 'ORDERDECK_VAULT_FINGERPRINT_KEY'))
      : undefined,
    jobsEnabled: env.ORDERDECK_JOBS !== '0',
    recoveryIntervalMs: Math.max(1000, intFrom(env, 'ORDERDECK_RECOVERY_INTERVAL_MS', 30_000)),
    arIntervalMs: Math.max(1000, intFrom(env, 'ORDERDECK_AR_INTERVAL_MS', 300_000)),
    arConcurrency: Math.max(1, intFrom(env, 'ORDERDECK_AR_CONCURRENCY', 24)),
    workers: workersFrom(env),
    merchantName: (env.ORDERDECK_MERCHANT_NAME ?? '').trim().slice(0, 100) || 'Orderdeck store',
    publicUrl: publicUrlFrom(env, host, port),
    publicUrlDefaulted: !env.ORDERDECK_PUBLIC_URL?.trim(),
  };
}

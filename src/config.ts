import path from 'node:path';

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
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intFrom(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.ORDERDECK_DATA_DIR || './data'),
    adminEmail: env.ORDERDECK_ADMIN_EMAIL || undefined,
    adminPassword: env.ORDERDECK_ADMIN_PASSWORD || undefined,
    demoData: env.ORDERDECK_DEMO_DATA !== '0',
    orderNumberPrefix: env.ORDERDECK_ORDER_PREFIX || 'OD-',
    bodyLimitBytes: intFrom(env, 'ORDERDECK_BODY_LIMIT', 1024 * 1024),
    rateLimitPerMinute: intFrom(env, 'ORDERDECK_RATE_LIMIT', 6000),
    loginAttemptsPerWindow: intFrom(env, 'ORDERDECK_LOGIN_ATTEMPTS', 10),
    sessionTtlHours: intFrom(env, 'ORDERDECK_SESSION_HOURS', 12),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: env.ORDERDECK_TRUST_PROXY === '1',
  };
}

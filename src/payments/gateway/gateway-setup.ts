import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';
import { startSandboxGateway, type SandboxGateway } from '../sandbox/sandbox-server.js';
import type { PaymentGateway } from './gateway.js';
import { createHttpGateway } from './http-gateway.js';

export const SANDBOX_NOTIFICATION_PATH = '/api/v1/payments/notifications/sandbox';
const SECRET_FILE = 'gateway-secret';

/**
 * The gateway secret: from configuration, else the one kept in the data directory, else a new one
 * written there (0600) so the Orderdeck server and a separately started sandbox agree across restarts.
 * Several servers on one PostgreSQL should set ORDERDECK_GATEWAY_SECRET instead of sharing a file.
 */
export function ensureGatewaySecret(config: Pick<Config, 'gatewaySecret' | 'dataDir'>): string {
  if (config.gatewaySecret) return config.gatewaySecret;
  const file = path.join(config.dataDir, SECRET_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    // 'wx': of two processes starting at once, exactly one creates the file and both then read it.
    fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 16) throw new Error(`${file} holds no usable gateway secret; delete it to have a new one made`);
  return secret;
}

/** The loopback address to reach a server listening on `host` from this machine. */
export function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export interface ServedGateway {
  baseUrl: string;
  /** Set when this process runs the sandbox. */
  sandbox: SandboxGateway | undefined;
  close(): Promise<void>;
}

/**
 * For `serve`: a configured gateway is used as is; otherwise the sandbox starts in-process on its own
 * port. A busy sandbox port is most likely another Orderdeck process's sandbox (same data directory,
 * same secret), so it is used rather than refusing to start the back office.
 */
export async function startServedGateway(
  config: Config & { gatewaySecret: string },
  ownUrl: string,
  log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void },
): Promise<ServedGateway> {
  if (config.gatewayUrl) return { baseUrl: config.gatewayUrl, sandbox: undefined, close: async () => {} };
  try {
    const sandbox = await startSandboxGateway({
      port: config.sandboxPort, host: config.host, secret: config.gatewaySecret, webhookUrl: `${ownUrl}${SANDBOX_NOTIFICATION_PATH}`,
    });
    log.info({ url: sandbox.url }, 'sandbox payment gateway listening (set ORDERDECK_GATEWAY_URL to use a real gateway)');
    return { baseUrl: sandbox.url, sandbox, close: () => sandbox.close() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const baseUrl = localUrl(config.host, config.sandboxPort);
    log.warn({ url: baseUrl }, 'sandbox gateway port is busy; using the sandbox already listening there');
    return { baseUrl, sandbox: undefined, close: async () => {} };
  }
}

/** The adapter Orderdeck charges through (the payment step will take it from here). */
export function createConfiguredGateway(
  baseUrl: string, secret: string, sandbox: boolean, config: Pick<Config, 'gatewayTimeoutMs' | 'gatewayAttempts'>,
): PaymentGateway {
  return createHttpGateway({ baseUrl, secret, name: sandbox ? 'sandbox' : 'http', timeoutMs: config.gatewayTimeoutMs, maxAttempts: config.gatewayAttempts });
}

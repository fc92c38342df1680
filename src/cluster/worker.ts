import type { Config } from '../config.js';
import { closeDatabase } from '../db/database.js';
import { buildApp, loggerOptions } from '../http/app.js';
import { createConfiguredGateway, ensureGatewaySecret } from '../payments/gateway/gateway-setup.js';
import { createPaymentServices } from '../payments/payment-services.js';
import { onStopSignal, openDatabase } from '../server.js';
import { openVaultKeyring } from '../vault/open-keyring.js';

/** How the primary tells its workers where the gateway is (the sandbox it runs, or the configured one). */
export const WORKER_GATEWAY_URL_ENV = 'ORDERDECK_WORKER_GATEWAY_URL';

/**
 * One HTTP worker of `serve` with ORDERDECK_WORKERS > 1: it only serves requests. The primary has already
 * migrated and prepared the installation and runs the gateway sandbox and the periodic jobs; every worker
 * listens on the same port (the primary hands out connections) with its own database connections.
 */
export async function serveWorker(loaded: Config): Promise<void> {
  const config = { ...loaded, gatewaySecret: ensureGatewaySecret(loaded) };
  const db = openDatabase(config);
  const payments = createPaymentServices(openVaultKeyring(config));
  const gatewayUrl = process.env[WORKER_GATEWAY_URL_ENV] || config.gatewayUrl;
  if (gatewayUrl) payments.useGateway(createConfiguredGateway(gatewayUrl, config.gatewaySecret, !config.gatewayUrl, config));
  const app = await buildApp({ config, db, logger: loggerOptions(config.logLevel), payments });
  const stop = onStopSignal(async (reason) => {
    app.log.info({ reason }, 'shutting down: finishing in-flight requests');
    try {
      await app.close();
      await closeDatabase(db);
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  });
  // A primary that died without stopping its workers must not leave them serving unsupervised.
  process.once('disconnect', () => stop('primary gone'));
  await app.listen({ port: config.port, host: config.host });
}

import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { bootstrapAdmin } from './auth/bootstrap-admin.js';
import { type Config, publicUrlWarning } from './config.js';
import { closeDatabase, createDatabase, type Db } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { finishInterruptedSeed } from './demo/bulk-load-sqlite.js';
import { seedDemoDataIfEmpty } from './demo/demo-data.js';
import { placeDemoPayments } from './demo/demo-payments.js';
import { buildApp, loggerOptions } from './http/app.js';
import { createConfiguredGateway, ensureGatewaySecret, localUrl, startServedGateway } from './payments/gateway/gateway-setup.js';
import { createPaymentServices } from './payments/payment-services.js';
import { appJobs } from './jobs/app-jobs.js';
import { type Scheduler, startScheduler } from './jobs/scheduler.js';
import { openVaultKeyring } from './vault/open-keyring.js';

export function openDatabase(config: Config): Db {
  return createDatabase({ databaseUrl: config.databaseUrl, sqlitePath: path.join(config.dataDir, 'orderdeck.sqlite') });
}

export type ServeConfig = Config & { gatewaySecret: string };

/**
 * What happens once per start, before anything is served: migrations, a seed a crash interrupted, the first
 * admin, demo data on an empty database, the vault key file. With several workers the primary does it alone.
 */
export async function prepareInstallation(loaded: Config) {
  const config: ServeConfig = { ...loaded, gatewaySecret: ensureGatewaySecret(loaded) };
  const log = pino({ level: config.logLevel });
  if (loaded.gatewayUrl && !loaded.gatewaySecret) log.warn('ORDERDECK_GATEWAY_URL is set without ORDERDECK_GATEWAY_SECRET; a real gateway will refuse the generated one');
  const urlWarning = publicUrlWarning(loaded);
  if (urlWarning) log.warn(urlWarning);
  const db = openDatabase(config);
  const applied = await migrateToLatest(db);
  if (applied.length) log.info({ migrations: applied }, 'migrations applied');
  if (finishInterruptedSeed(db)) log.warn('finished an interrupted bulk seed: search terms moved into place and indexes rebuilt');
  await bootstrapAdmin(db, config, (line) => process.stdout.write(`${line}\n`));
  const seeded = config.demoData ? await seedDemoDataIfEmpty(db, config, log) : false;
  const payments = createPaymentServices(openVaultKeyring(config));
  return { config, log, db, seeded, payments };
}

/**
 * Calls `stop` once, on SIGTERM/SIGINT or when the returned function is called; `stop` must exit the
 * process, and 15 s later it is exited regardless.
 */
export function onStopSignal(stop: (reason: string) => Promise<void>): (reason: string) => void {
  let stopping = false;
  const once = (reason: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 15_000).unref();
    void stop(reason);
  };
  process.once('SIGTERM', () => once('SIGTERM'));
  process.once('SIGINT', () => once('SIGINT'));
  return once;
}

/**
 * Starts Orderdeck in this one process: prepare, listen, connect the gateway, run the periodic jobs.
 * SIGTERM/SIGINT stop accepting connections, let in-flight requests finish, then close the database.
 * (ORDERDECK_WORKERS > 1 runs `servePrimary` instead, which spreads the same work over processes.)
 */
export async function serve(loaded: Config): Promise<FastifyInstance> {
  const { config, db, seeded, payments, log } = await prepareInstallation(loaded);
  const app = await buildApp({ config, db, logger: loggerOptions(config.logLevel), payments });
  let closeGateway = async () => {};
  let scheduler: Scheduler | undefined;
  let closing = false;
  onStopSignal(async (signal) => {
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      await scheduler?.stop(); // a job run in progress finishes its in-flight orders first
      await app.close();
      await closeGateway();
      await closeDatabase(db);
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  });

  await app.listen({ port: config.port, host: config.host });
  // After listening, so the sandbox's notifications have somewhere to go (and PORT=0 is known).
  const address = app.server.address();
  const ownPort = address && typeof address === 'object' ? address.port : config.port;
  const gateway = await startServedGateway(config, localUrl(config.host, ownPort), app.log);
  closeGateway = gateway.close;
  payments.useGateway(createConfiguredGateway(gateway.baseUrl, config.gatewaySecret, !config.gatewayUrl, config));
  // Only against the sandbox: demo charges never go to a real gateway.
  if (seeded && !config.gatewayUrl) await placeDemoPayments(db, config, payments, log);
  // Periodic jobs (payment recovery, the A/R retry schedule) once money can move; leases keep several servers from running one twice.
  if (config.jobsEnabled && !closing) scheduler = startScheduler(db, appJobs(db, payments, config), { log: app.log });
  return app;
}

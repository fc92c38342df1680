import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { bootstrapAdmin } from './auth/bootstrap-admin.js';
import type { Config } from './config.js';
import { closeDatabase, createDatabase, type Db } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { finishInterruptedSeed } from './demo/bulk-load-sqlite.js';
import { seedDemoDataIfEmpty } from './demo/demo-data.js';
import { buildApp, loggerOptions } from './http/app.js';

export function openDatabase(config: Config): Db {
  return createDatabase({ databaseUrl: config.databaseUrl, sqlitePath: path.join(config.dataDir, 'orderdeck.sqlite') });
}

/**
 * Starts Orderdeck: migrate, make sure an admin exists, seed demo data on an empty database, listen.
 * SIGTERM/SIGINT stop accepting connections, let in-flight requests finish, then close the database.
 */
export async function serve(config: Config): Promise<FastifyInstance> {
  const log = pino({ level: config.logLevel });
  const db = openDatabase(config);
  const applied = await migrateToLatest(db);
  if (applied.length) log.info({ migrations: applied }, 'migrations applied');
  if (finishInterruptedSeed(db)) log.warn('finished an interrupted bulk seed: search terms moved into place and indexes rebuilt');
  await bootstrapAdmin(db, config, (line) => process.stdout.write(`${line}\n`));
  if (config.demoData) await seedDemoDataIfEmpty(db, config, log);

  const app = await buildApp({ config, db, logger: loggerOptions(config.logLevel) });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await app.close();
      await closeDatabase(db);
      clearTimeout(force);
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  return app;
}

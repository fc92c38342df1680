import pino from 'pino';
import type { Config } from '../config.js';
import { closeDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createConfiguredGateway, ensureGatewaySecret, localUrl } from '../payments/gateway/gateway-setup.js';
import { createPaymentServices } from '../payments/payment-services.js';
import { openDatabase } from '../server.js';
import { openVaultKeyring } from '../vault/open-keyring.js';
import { appJobs, JOB_NAMES } from './app-jobs.js';
import { newOwnerId, runJobOnce, startScheduler } from './scheduler.js';

/**
 * `orderdeck run-jobs`: the periodic jobs in a process of their own, against the configured gateway
 * (or the sandbox a `serve` on this machine runs). `--once` runs each once and exits: for cron, for
 * catching up, and for tests that run several processes at once. Log lines go to stderr; stdout carries
 * one JSON line per job.
 */
export async function runJobs(
  config: Config, opts: { once: boolean; jobs: string[] | undefined; force: boolean; at: number | undefined }, fail: (message: string) => Error,
): Promise<void> {
  const unknown = (opts.jobs ?? []).filter((j) => !(JOB_NAMES as readonly string[]).includes(j));
  if (unknown.length) throw fail(`unknown job ${unknown.join(', ')}; known: ${JOB_NAMES.join(', ')}`);
  const log = pino({ level: config.logLevel }, pino.destination(2));
  const secret = ensureGatewaySecret(config);
  const payments = createPaymentServices(openVaultKeyring(config));
  payments.useGateway(createConfiguredGateway(config.gatewayUrl ?? localUrl(config.host, config.sandboxPort), secret, !config.gatewayUrl, config));
  const db = openDatabase(config);
  try {
    await migrateToLatest(db);
    const jobs = appJobs(db, payments, config).filter((j) => !opts.jobs || opts.jobs.includes(j.name));
    if (opts.once) {
      const owner = newOwnerId();
      for (const job of jobs) {
        const outcome = await runJobOnce(db, job, { owner, log, force: opts.force, ...(opts.at !== undefined ? { now: opts.at } : {}) });
        process.stdout.write(`${JSON.stringify(outcome)}\n`);
      }
      return;
    }
    const scheduler = startScheduler(db, jobs, { log });
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    log.info({}, 'stopping: waiting for running jobs');
    await scheduler.stop();
  } finally {
    await closeDatabase(db);
  }
}

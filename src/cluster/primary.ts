import cluster from 'node:cluster';
import net from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import { FORGET_API_KEYS } from '../auth/api-key-cache.js';
import type { Config } from '../config.js';
import { closeDatabase } from '../db/database.js';
import { placeDemoPayments } from '../demo/demo-payments.js';
import { appJobs } from '../jobs/app-jobs.js';
import { type Scheduler, startScheduler } from '../jobs/scheduler.js';
import { METRICS_REPLY, METRICS_REQUEST } from '../ops/metrics.js';
import { createConfiguredGateway, localUrl, startServedGateway } from '../payments/gateway/gateway-setup.js';
import { onStopSignal, prepareInstallation } from '../server.js';
import { WORKER_GATEWAY_URL_ENV } from './worker.js';

/** More exits than this per worker within a minute means they cannot start; the server stops rather than spin. */
const EXITS_PER_WORKER_PER_MINUTE = 5;

/**
 * `serve` with ORDERDECK_WORKERS > 1. Node is one thread per process, so one process uses one core; the
 * workers serve HTTP side by side on the same port. This primary does everything that must happen once:
 * it prepares the installation, runs the sandbox gateway (its idempotency and notifications must be one
 * service, not one per worker) and the periodic jobs, adds up the workers' metrics, and replaces a worker
 * that dies. Nothing in a worker assumes it is alone: sequences, counters, idempotency keys, sessions and
 * login throttling live in the database, and SQLite transactions take the write lock up front.
 */
export async function servePrimary(loaded: Config): Promise<void> {
  const { config, db, seeded, payments, log } = await prepareInstallation(loaded);
  // The sandbox must know where to send notifications before any worker listens, so PORT=0 is resolved here.
  const port = config.port || (await freePort(config.host));
  const gateway = await startServedGateway(config, localUrl(config.host, port), log);
  payments.useGateway(createConfiguredGateway(gateway.baseUrl, config.gatewaySecret, !config.gatewayUrl, config));

  let scheduler: Scheduler | undefined;
  let stopping = false;
  const stop = onStopSignal(async (reason) => {
    stopping = true;
    log.info({ reason }, 'shutting down: workers finish their in-flight requests');
    const exited = Object.values(cluster.workers ?? {}).map((worker) => new Promise<void>((resolve) => {
      if (!worker || worker.isDead()) return resolve();
      worker.once('exit', () => resolve());
      worker.process.kill('SIGTERM');
    }));
    await scheduler?.stop();
    await Promise.all(exited);
    await gateway.close();
    await closeDatabase(db);
    process.exit(reason === 'workers keep exiting' ? 1 : 0);
  });

  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: number }) => {
    if (message?.type === FORGET_API_KEYS) {
      for (const other of Object.values(cluster.workers ?? {})) if (other !== worker && other?.isConnected()) other.send({ type: FORGET_API_KEYS });
      return;
    }
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_REPLY, id: message.id, text }),
      (error: Error) => worker.send({ type: METRICS_REPLY, id: message.id, error: error.message }),
    );
  });

  const env = { PORT: String(port), [WORKER_GATEWAY_URL_ENV]: gateway.baseUrl };
  const exits: number[] = [];
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    exits.push(now);
    while (exits[0]! < now - 60_000) exits.shift();
    if (exits.length > EXITS_PER_WORKER_PER_MINUTE * config.workers) {
      log.fatal({ code, signal }, 'server workers keep exiting; stopping');
      stop('workers keep exiting');
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, 'a server worker exited; starting another');
    cluster.fork(env);
  });

  const listening = new Promise<void>((resolve) => {
    let count = 0;
    cluster.on('listening', () => {
      if (++count === config.workers) resolve();
    });
  });
  for (let i = 0; i < config.workers; i++) cluster.fork(env);
  await listening;
  log.info({ workers: config.workers, url: localUrl(config.host, port) }, 'all server workers listening');

  // Only against the sandbox: demo charges never go to a real gateway.
  if (seeded && !config.gatewayUrl) await placeDemoPayments(db, config, payments, log);
  if (config.jobsEnabled && !stopping) scheduler = startScheduler(db, appJobs(db, payments, config), { log });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

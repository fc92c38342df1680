import cluster from 'node:cluster';
import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { issueApiKey } from './auth/api-keys.service.js';
import { findUserByEmail } from './auth/auth.repository.js';
import { generatePassword } from './auth/password.js';
import { isPermission, isRole, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './auth/permissions.js';
import { prepareNewUser, registerUser } from './auth/users.service.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { Db } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { transact } from './db/transact.js';
import { createProgress } from './demo/progress.js';
import { backupDatabase } from './ops/backup.js';
import { webhookUrlProblem } from './payments/sandbox/sandbox-notifier.js';
import { openDatabase, serve } from './server.js';
import type { Actor } from './shared/actor.js';
import { AppError } from './shared/errors.js';

/** A failure the user can fix from the message alone; printed without a stack trace. */
class CliError extends Error {}

/** Every command works on the database the server would use, migrated first and closed at the end. */
async function withDatabase<T>(run: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config);
  try {
    await migrateToLatest(db);
    return await run(db, config);
  } finally {
    await db.destroy();
  }
}

/**
 * The operator at the terminal is no Orderdeck user: what a command changes is recorded as done by the
 * CLI under the OS account that ran it (`system:cli:<login>` in events), as the API records its caller.
 */
function cliActor(): Actor {
  let login: string;
  try {
    login = os.userInfo().username;
  } catch {
    // A uid without a passwd entry (common in containers) has no name.
    login = process.env.USER || process.env.LOGNAME || `uid${process.getuid?.() ?? ''}`;
  }
  return { kind: 'system', id: `cli:${login}`, name: `orderdeck CLI (${login})` };
}

function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

const program = new Command().name('orderdeck').description('Orderdeck order management back office');

program.command('serve').description('start the HTTP server (migrates first; ORDERDECK_WORKERS processes)').action(async () => {
  const config = loadConfig();
  if (cluster.isWorker) await (await import('./cluster/worker.js')).serveWorker(config);
  else if (config.workers > 1) await (await import('./cluster/primary.js')).servePrimary(config);
  else await serve(config);
});

program.command('migrate').description('apply database migrations').action(async () => {
  const db = openDatabase(loadConfig());
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await db.destroy();
  }
});

program
  .command('seed')
  .description('add realistic demo orders in every stage (adds to existing data; order numbers continue)')
  .requiredOption('--orders <n>', 'number of orders to add', positiveInt)
  .option('--batch <n>', 'orders per transaction', positiveInt, 10_000)
  .option('--seed <n>', 'random seed: the same seed gives the same customers and catalog', positiveInt, 42)
  .action(async (opts: { orders: number; batch: number; seed: number }) => {
    await withDatabase(async (db, config) => {
      const { seedOrders } = await import('./demo/seed-orders.js'); // loads faker only for this command
      const { gatewayNameOf } = await import('./demo/demo-data.js');
      const progress = createProgress(opts.orders, 'orders');
      const result = await seedOrders(db, {
        orders: opts.orders, batchSize: opts.batch, seed: opts.seed, orderNumberPrefix: config.orderNumberPrefix,
        // Seeded submitted payments are recorded under the gateway whose notifications will name them.
        gateway: gatewayNameOf(config),
        onProgress: (done, rows) => progress.update(done, rows),
      });
      progress.finish();
      const seconds = result.ms / 1000;
      console.log(`seeded ${result.orders.toLocaleString('en-US')} orders (${result.rows.toLocaleString('en-US')} rows) in ${seconds.toFixed(1)} s`
        + ` — ${Math.round(result.orders / seconds).toLocaleString('en-US')} orders/s, ${Math.round(result.rows / seconds).toLocaleString('en-US')} rows/s`);
    });
  });

const user = program.command('user').description('manage back-office users');
user
  .command('add')
  .description('create a user; without --password one is generated and printed once')
  .requiredOption('--email <email>', 'login e-mail')
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`)
  .option('--password <password>', 'at least 12 characters')
  .action(async (opts: { email: string; name: string; role: string; password?: string }) => {
    const role = opts.role;
    if (!isRole(role)) throw new CliError(`unknown role "${role}"; use one of: ${ROLES.join(', ')}`);
    const password = opts.password ?? generatePassword();
    // Checked and hashed before the database opens; then the API's own use case, which records the event.
    const prepared = await prepareNewUser({ email: opts.email, name: opts.name, role, password });
    const created = await withDatabase((db) => transact(db, (trx) => registerUser(trx, prepared, cliActor())));
    console.log(`user ${created.id} created: ${created.email} (${role})`);
    if (!opts.password) console.log(`password (shown only this once): ${password}`);
  });

const apiKey = program.command('api-key').description('manage API keys');
apiKey
  .command('create')
  .description("issue an API key for a user; the key is printed once and only its hash is stored")
  .requiredOption('--email <email>', 'e-mail of the user the key acts as')
  .requiredOption('--name <name>', 'what the key is for, e.g. "storefront"')
  .option('--permissions <list>', "comma-separated permissions (default: everything the user's role allows)")
  .action(async (opts: { email: string; name: string; permissions?: string }) => {
    const permissions = opts.permissions?.split(',').map((p) => p.trim()).filter(Boolean);
    const unknown = permissions?.filter((p) => !isPermission(p)) ?? [];
    if (unknown.length) throw new CliError(`unknown permission ${unknown.map((p) => `"${p}"`).join(', ')}; known: ${PERMISSIONS.join(', ')}`);
    const created = await withDatabase((db) => transact(db, async (trx) => {
      const owner = await findUserByEmail(trx, opts.email);
      if (!owner) throw new CliError(`no user with e-mail ${opts.email}; create one with "orderdeck user add"`);
      // The operator issues it for the owner: up to the owner's role, as the owner could over the API.
      const grantable = isRole(owner.role) ? ROLE_PERMISSIONS[owner.role] : new Set<never>();
      return issueApiKey(trx, { actor: cliActor(), userId: owner.id, permissions: grantable }, { name: opts.name, permissions });
    }));
    console.log(`api key ${created.id} created with ${created.permissions.length} permissions; shown only this once:`);
    console.log(created.key);
  });

program
  .command('backup')
  .description('copy the SQLite database consistently, even while the server runs')
  .requiredOption('--out <file>', 'file to write (must not exist)')
  .action(async (opts: { out: string }) => {
    const result = await withDatabase((db) => backupDatabase(db, opts.out));
    if (!result.ok) throw new CliError(result.message);
    console.log(`backup written: ${result.file} (${result.bytes.toLocaleString('en-US')} bytes)`);
  });

const wholeNumber = (max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`expected a whole number from 0 to ${max}`);
  return n;
};
const webhookUrl = (value: string): string => {
  const problem = webhookUrlProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
};
const rate = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a share from 0 to 1, e.g. 0.1');
  return n;
};

program
  .command('sandbox-gateway')
  .description('run the sandbox payment gateway on its own (state lasts as long as this process, across Orderdeck restarts)')
  .option('--port <n>', 'port to listen on (default ORDERDECK_SANDBOX_PORT or 3100)', wholeNumber(65_535))
  .option('--webhook-url <url>', 'where signed notifications go, an http(s) URL (default: this machine\'s Orderdeck notification route)', webhookUrl)
  .option('--settle-delay <ms>', 'how long e-checks stay pending', wholeNumber(86_400_000), 3000)
  .option('--latency <ms>', 'fault: delay every answer', wholeNumber(120_000))
  .option('--error-rate <0..1>', 'fault: share of requests answered 503 unprocessed', rate)
  .option('--timeout-rate <0..1>', 'fault: share of requests processed but never answered', rate)
  .option('--duplicate-notifications', 'fault: deliver every notification twice')
  .option('--out-of-order-notifications', 'fault: deliver held notifications newest first')
  .action(async (opts: {
    port?: number; webhookUrl?: string; settleDelay: number; latency?: number; errorRate?: number; timeoutRate?: number;
    duplicateNotifications?: boolean; outOfOrderNotifications?: boolean;
  }) => {
    const { ensureGatewaySecret, localUrl, SANDBOX_NOTIFICATION_PATH } = await import('./payments/gateway/gateway-setup.js');
    const { startSandboxGateway } = await import('./payments/sandbox/sandbox-server.js');
    const config = loadConfig();
    const sandbox = await startSandboxGateway({
      port: opts.port ?? config.sandboxPort, host: config.host, secret: ensureGatewaySecret(config), settleDelayMs: opts.settleDelay,
      logger: { level: config.logLevel }, // method, URL and status per request: never a body, so never a card number
      webhookUrl: opts.webhookUrl ?? `${localUrl(config.host, config.port)}${SANDBOX_NOTIFICATION_PATH}`,
      faults: {
        ...(opts.latency !== undefined ? { latencyMs: opts.latency } : {}), ...(opts.errorRate !== undefined ? { errorRate: opts.errorRate } : {}),
        ...(opts.timeoutRate !== undefined ? { timeoutRate: opts.timeoutRate } : {}),
        duplicateNotifications: Boolean(opts.duplicateNotifications), outOfOrderNotifications: Boolean(opts.outOfOrderNotifications),
      },
    });
    console.log(`sandbox gateway listening on ${sandbox.url}; point Orderdeck at it with ORDERDECK_GATEWAY_URL=${sandbox.url}`);
    const stop = () => void sandbox.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });

program
  .command('run-jobs')
  .description('run the periodic jobs (payment recovery, the A/R retry schedule) under their leases, as `serve` does; '
    + 'with --once, run each once, print one JSON line per job and exit')
  .option('--once', 'run each job once and exit')
  .option('--job <name...>', 'only these jobs: payment-recovery, ar-schedule, email-delivery, fraud-signal-pruning, search-terms-refresh, idempotency-key-pruning')
  .option('--force', 'run even if another process holds a job\'s lease (safe: charges are keyed per order and day)')
  .option('--at <iso>', 'act as if at this instant (testing a schedule, catching up after an outage)')
  .action(async (opts: { once?: boolean; job?: string[]; force?: boolean; at?: string }) => {
    const { runJobs } = await import('./jobs/run-jobs-command.js');
    const at = opts.at === undefined ? undefined : Date.parse(opts.at);
    if (at !== undefined && Number.isNaN(at)) throw new CliError(`--at: "${opts.at}" is not an ISO instant`);
    await runJobs(loadConfig(), { once: Boolean(opts.once), jobs: opts.job, force: Boolean(opts.force), at }, (message) => new CliError(message));
  });

const vault = program.command('vault').description('the card vault');
vault
  .command('rotate-key')
  .description('make a new vault key current and re-encrypt every card with it, a batch per transaction; '
    + 'if a previous run was interrupted, finish that one instead (ORDERDECK_VAULT_KEY: put the new key first, restart, then run this)')
  .option('--batch <n>', 'cards per transaction', positiveInt, 500)
  .action(async (opts: { batch: number }) => {
    const { rotateVaultKey } = await import('./vault/rotate-vault-key.js');
    const result = await withDatabase((db, config) => rotateVaultKey(db, config, { batchSize: opts.batch }));
    const what = result.keyCreated ? `new key ${result.currentKeyId} is current` : `key ${result.currentKeyId} stays current`;
    console.log(`${what} (${result.source}); re-encrypted ${result.reencrypted.toLocaleString('en-US')} cards`);
    if (result.source === 'environment' && result.reencrypted === 0) {
      console.log('every card already uses the first key of ORDERDECK_VAULT_KEY; to rotate, put a new key first in that list, restart the servers and run this again');
    }
  });

/** What the operator can fix from the message alone (a port taken, a directory not writable), or undefined for a bug. */
function operatorMistake(error: unknown): string | undefined {
  if (error instanceof CliError || error instanceof AppError || error instanceof ConfigError) return error.message;
  const e = error as { code?: string; message?: string; address?: string; port?: number; path?: string };
  switch (e?.code) {
    case 'EADDRINUSE': return `port ${e.port ?? ''} on ${e.address ?? 'this host'} is already in use: stop what listens there, or choose another port`;
    case 'EACCES': case 'EPERM': return `permission denied${e.path ? ` on ${e.path}` : e.port ? ` for port ${e.port}` : ''}`;
    case 'ENOENT': case 'ENOTDIR': case 'EROFS': return `cannot write ${e.path ?? 'a file'}: ${(e.message ?? '').replace(/^[A-Z]+: /, '').replace(/, \w+ .*$/, '')}`;
    case 'SQLITE_CANTOPEN': return `cannot open the SQLite database (${e.message}): check that ORDERDECK_DATA_DIR (${process.env.ORDERDECK_DATA_DIR || './data'}) exists and is writable, or the --out path`;
    case 'ECONNREFUSED': case 'ENOTFOUND': case '28P01': case '3D000': return `cannot reach the database: ${e.message} (check DATABASE_URL)`;
    default: return undefined;
  }
}

program.parseAsync().catch((error: unknown) => {
  // Expected failures (bad input, bad settings, a busy port) are one line; anything else keeps its stack for a bug report.
  const message = operatorMistake(error);
  console.error(`error: ${message ?? (error instanceof Error ? error.stack : String(error))}`);
  process.exit(1);
});

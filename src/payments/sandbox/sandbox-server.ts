import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { createFaultDecider, FAULT_HEADER, type SandboxFaults } from './sandbox-faults.js';
import { type SandboxAnswer, sandboxId, SandboxLedger, type SandboxLogEntry, type SandboxTransaction, type SourceInput } from './sandbox-ledger.js';
import { createNotifier, webhookUrlProblem } from './sandbox-notifier.js';
import { AmountBody, ChargebackBody, FaultsBody, OpenBody, TransactionParams, VoidBody } from './sandbox.schemas.js';

export interface SandboxGatewayOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Where signed notifications go; without one they are dropped (the log still shows them). */
  webhookUrl?: string;
  /** The API secret callers send as a bearer token; also the notification signing secret. */
  secret: string;
  faults?: SandboxFaults;
  /** How long an e-check stays pending before it settles or bounces. */
  settleDelayMs?: number;
  /** How long out-of-order delivery holds notifications. */
  notificationHoldMs?: number;
  notificationRetryMs?: number;
  logger?: FastifyServerOptions['logger'];
}

export interface SandboxGateway {
  url: string;
  port: number;
  /** Every operation in order, answered or refused: the sandbox's own transaction log. */
  log(): SandboxLogEntry[];
  transaction(id: string): SandboxTransaction | undefined;
  setFaults(faults: SandboxFaults): void;
  chargeback(id: string, opts?: { amount?: number; reason?: string }): SandboxAnswer;
  /** Resolves when no notification is waiting, held or being delivered. */
  notificationsIdle(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Like the big gateways, a key is remembered for a day; a cap keeps a long load test from eating memory. */
const KEY_TTL_MS = 24 * 3600_000;
const MAX_KEYS = 1_000_000;

/**
 * A payment gateway to develop and test against, on its own port: Orderdeck reaches it only over HTTP,
 * so timeouts, retries and signatures are the real code paths. State is in memory; run it as its own
 * process (`orderdeck sandbox-gateway`) and it outlives Orderdeck restarts.
 */
export async function startSandboxGateway(options: SandboxGatewayOptions): Promise<SandboxGateway> {
  const badWebhook = options.webhookUrl === undefined ? undefined : webhookUrlProblem(options.webhookUrl);
  if (badWebhook) throw new Error(`webhookUrl ${badWebhook}`);
  let faults: SandboxFaults = { ...options.faults };
  const ledger = new SandboxLedger();
  const decideFaults = createFaultDecider(() => faults);
  const notifier = createNotifier({
    webhookUrl: options.webhookUrl, secret: options.secret, faults: () => faults,
    ...(options.notificationHoldMs !== undefined ? { holdMs: options.notificationHoldMs } : {}),
    ...(options.notificationRetryMs !== undefined ? { retryBaseMs: options.notificationRetryMs } : {}),
  });
  const idempotency = new Map<string, { fingerprint: string; answer: SandboxAnswer; at: number }>();
  // Fingerprints are keyed hashes: the request bodies they cover hold card numbers.
  const fingerprintKey = randomBytes(32);
  const settlements = new Set<NodeJS.Timeout>();
  const hanging = new Set<FastifyReply>();
  const secret = Buffer.from(options.secret);

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 16 * 1024, forceCloseConnections: true, ajv: { customOptions: { removeAdditional: false } } });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const code = error.validation ? 'invalid_request' : status === 500 ? 'internal' : 'bad_request';
    return reply.code(status).send({ error: { code, message: status === 500 ? 'internal error' : error.message } });
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/health') return;
    const given = Buffer.from(request.headers.authorization?.replace(/^Bearer /, '') ?? '');
    if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
      return reply.code(401).send({ error: { code: 'unauthenticated', message: 'send Authorization: Bearer <secret>' } });
    }
  });

  app.get('/health', async () => ({ ok: true }));

  /** Maps iterate oldest first, so expiry only ever looks at the front. */
  function remember(key: string, entry: { fingerprint: string; answer: SandboxAnswer; at: number }) {
    idempotency.set(key, entry);
    for (const [oldKey, old] of idempotency) {
      if (idempotency.size <= MAX_KEYS && entry.at - old.at < KEY_TTL_MS) break;
      idempotency.delete(oldKey);
    }
    ledger.prune(MAX_KEYS);
  }

  /** Faults, then idempotency: one key, one processing; a replay gets the stored answer. */
  async function money(request: FastifyRequest, reply: FastifyReply, work: (key: string) => SandboxAnswer) {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      return reply.code(400).send({ error: { code: 'idempotency_key_required', message: 'send an Idempotency-Key header' } });
    }
    const fault = decideFaults(request.headers[FAULT_HEADER] as string | undefined, key);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.error) return reply.code(503).send({ error: { code: 'unavailable', message: 'injected fault: gateway unavailable' } });

    const fingerprint = createHmac('sha256', fingerprintKey).update(`${request.method} ${request.url} ${JSON.stringify(request.body)}`).digest('hex');
    const earlier = idempotency.get(key);
    if (earlier && earlier.fingerprint !== fingerprint) {
      return reply.code(422).send({ error: { code: 'idempotency_key_reused', message: 'this idempotency key was used for a different request' } });
    }
    const answer = earlier?.answer ?? work(key);
    if (!earlier) remember(key, { fingerprint, answer, at: Date.now() });
    if (fault.timeout) {
      // Processed, but the answer is "lost": hold the connection until the client gives up.
      reply.hijack();
      hanging.add(reply);
      reply.raw.on('close', () => hanging.delete(reply));
      return reply;
    }
    if (earlier) reply.header('idempotent-replayed', 'true');
    return reply.code(answer.status).send(answer.body);
  }

  function scheduleSettlement(id: string, accountNumber: string) {
    const timer = setTimeout(() => {
      settlements.delete(timer);
      const settled = ledger.settle(id, accountNumber);
      if (!settled) return;
      notifier.send({
        id: sandboxId('evt'), type: settled.type, transaction: id, amount: settled.tx.captured, currency: settled.tx.currency,
        ...(settled.reason ? { reason: settled.reason } : {}), occurredAt: new Date().toISOString(),
      });
    }, options.settleDelayMs ?? 3000);
    settlements.add(timer);
  }

  function open(kind: 'authorize' | 'sale') {
    return async (request: FastifyRequest<{ Body: { amount: number; currency: string; reference: string; source: SourceInput } }>, reply: FastifyReply) =>
      money(request, reply, (key) => {
        const answer = ledger.open(kind, request.body, key);
        const source = request.body.source;
        if (answer.body.status === 'pending' && source.type === 'echeck') scheduleSettlement(String(answer.body.id), source.accountNumber);
        return answer;
      });
  }

  type TxRequest<B> = FastifyRequest<{ Params: { id: string }; Body: B }>;
  type Amount = { amount: number; currency: string; reference: string };
  app.post('/v1/authorizations', { schema: { body: OpenBody } }, open('authorize'));
  app.post('/v1/sales', { schema: { body: OpenBody } }, open('sale'));
  app.post('/v1/transactions/:id/capture', { schema: { params: TransactionParams, body: AmountBody } }, async (request: TxRequest<Amount>, reply) =>
    money(request, reply, (key) => ledger.capture(request.params.id, request.body.amount, request.body.currency, key)));
  app.post('/v1/transactions/:id/void', { schema: { params: TransactionParams, body: VoidBody } }, async (request: TxRequest<{ reference: string }>, reply) =>
    money(request, reply, (key) => ledger.void(request.params.id, key)));
  app.post('/v1/transactions/:id/refund', { schema: { params: TransactionParams, body: AmountBody } }, async (request: TxRequest<Amount>, reply) =>
    money(request, reply, (key) => ledger.refund(request.params.id, request.body.amount, request.body.currency, key)));

  function chargeback(id: string, opts: { amount?: number; reason?: string } = {}): SandboxAnswer {
    const result = ledger.chargeback(id, opts.amount);
    if (result.tx && result.amount !== undefined) {
      notifier.send({
        id: sandboxId('evt'), type: 'chargeback', transaction: id, amount: result.amount, currency: result.tx.currency,
        reason: opts.reason ?? '10.4 other fraud: card-absent environment', occurredAt: new Date().toISOString(),
      });
    }
    return { status: result.status, body: result.body };
  }

  // Admin endpoints: what a gateway's dashboard would offer, for tests and demos.
  app.get('/sandbox/log', async () => ledger.log);
  app.get('/sandbox/transactions/:id', { schema: { params: TransactionParams } }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const tx = ledger.transactions.get(request.params.id);
    return tx ? tx : reply.code(404).send({ error: { code: 'transaction_not_found', message: 'no such transaction' } });
  });
  app.post('/sandbox/transactions/:id/chargeback', { schema: { params: TransactionParams, body: ChargebackBody } },
    async (request: FastifyRequest<{ Params: { id: string }; Body: { amount?: number; reason?: string } }>, reply) => {
      const answer = chargeback(request.params.id, request.body);
      return reply.code(answer.status).send(answer.body);
    });
  app.put('/sandbox/faults', { schema: { body: FaultsBody } }, async (request: FastifyRequest<{ Body: SandboxFaults }>) => {
    faults = { ...request.body };
    return faults;
  });

  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`,
    port: address.port,
    log: () => [...ledger.log],
    transaction: (id) => ledger.transactions.get(id),
    setFaults: (next) => {
      faults = { ...next };
    },
    chargeback,
    notificationsIdle: () => notifier.idle(),
    close: async () => {
      for (const timer of settlements) clearTimeout(timer);
      notifier.close();
      for (const reply of hanging) reply.raw.destroy();
      await app.close();
    },
  };
}

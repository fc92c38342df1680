import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Trx } from '../db/database.js';
import { isPostgres, isUniqueViolation } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import { transact, transactIndependent } from '../db/transact.js';
import type { IdempotencyKeysTable } from '../outbox/outbox.table.js';
import { AppError } from '../shared/errors.js';
import { principalOf } from './authenticate.js';

export interface Outcome<T> {
  status: number;
  body: T;
}

const MAX_KEY = 200;

/**
 * The request as a hash. The body is hashed in canonical form (object keys sorted at every depth, arrays
 * in order), so a client retrying with the same body serialised in another key order gets its replay.
 */
function requestHash(request: FastifyRequest, body = canonicalJson(request.body ?? null)): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n${body}`).digest('hex');
}

/** Keys hashed before canonical bodies (plain JSON.stringify) never expire: a retry of such a request still replays. */
const legacyRequestHash = (request: FastifyRequest) => requestHash(request, JSON.stringify(request.body ?? null));

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

// Compiled once (db/prepared.ts): every keyed order pays for the insert and, since responses are stored, the update.
type KeyRow = { principal: string; key: string };
const findQuery = prepared((db, p: KeyRow) => db.selectFrom('idempotency_keys').selectAll().where('principal', '=', p.principal).where('key', '=', p.key));
const insertQuery = prepared((db, p: IdempotencyKeysTable) => db.insertInto('idempotency_keys').values({
  principal: p.principal, key: p.key, method: p.method, path: p.path, request_hash: p.request_hash, status_code: p.status_code, response_json: p.response_json, created_at: p.created_at,
}));
const storeQuery = prepared((db, p: KeyRow & { response: string }) => db.updateTable('idempotency_keys').set({ response_json: p.response })
  .where('principal', '=', p.principal).where('key', '=', p.key));
const fillInQuery = prepared((db, p: KeyRow & { response: string; reference: string }) => db.updateTable('idempotency_keys').set({ response_json: p.response })
  .where('principal', '=', p.principal).where('key', '=', p.key).where('response_json', '=', p.reference));

async function findStored(db: Db | Trx, principal: string, key: string) {
  return (await findQuery(db, { principal, key })).rows[0];
}

/*
 * What a key's row holds, in two steps. In the transaction of the change: the work's outcome, which may be
 * only a reference (a new order's number: its response is finished after commit, when its card's answer
 * is recorded, and the insert must be in the change's transaction so the change happens once). Once the
 * response has been sent: that response itself (status, ETag, Location, body) in an envelope under
 * SENT, so a retry gets exactly the first answer, not the record as it is now. A row still holding a
 * reference (the first attempt died before answering) is answered by the route from the reference, and
 * that answer becomes the stored one.
 */
const SENT = '$sent';
const KEPT_HEADERS = ['content-type', 'etag', 'location'] as const;

interface SentResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Thrown by runInTransaction to answer with a stored response; the error handler (problem.ts) sends it. */
export class StoredResponse extends Error {
  constructor(readonly response: SentResponse) {
    super('replaying a stored response');
  }

  send(reply: FastifyReply) {
    const { status, headers, body } = this.response;
    return reply.code(status).headers({ ...headers, 'idempotent-replayed': 'true' }).send(JSON.stringify(body));
  }
}

/** Requests whose key row should get the response about to be sent; `reference`: what the row holds now. */
const toStore = new WeakMap<FastifyRequest, { principal: string; key: string; reference: string; first: boolean }>();

/**
 * Stores each keyed request's response as sent, before it leaves, so a retry arriving after it is
 * answered with it. The first attempt overwrites its own reference; a replay answering from a
 * reference only fills it in if nobody did meanwhile. A failure to store is logged, not the client's
 * problem: the row keeps its reference and a retry is answered from it, as before.
 */
export function registerResponseStorage(app: FastifyInstance, db: Db) {
  app.addHook('onSend', async (request, reply, payload) => {
    const pending = toStore.get(request);
    if (!pending) return payload;
    toStore.delete(request);
    // The stored body already is the response (the route answers with its outcome): nothing to add.
    if (reply.statusCode >= 300 || typeof payload !== 'string' || payload === pending.reference) return payload;
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    // The payload is JSON text already: spliced in, not parsed and serialised again.
    const sent = `{"${SENT}":{"status":${reply.statusCode},"headers":${JSON.stringify(headers)},"body":${payload}}}`;
    try {
      // One statement on this request's own row. On PostgreSQL it goes alone (autocommit: one round trip, no
      // begin/commit, no wait for a shared transaction); on SQLite through the writer, joining its group commit.
      // Measured at 16 clients with prepared statements: keyed creates as fast as before, within the noise.
      const { principal, key, reference } = pending;
      const write = (on: Db | Trx) => (pending.first ? storeQuery(on, { principal, key, response: sent }) : fillInQuery(on, { principal, key, response: sent, reference }));
      await (isPostgres(db) ? write(db) : transact(db, write));
    } catch (error) {
      request.log.warn({ err: error }, 'could not store the response of an idempotent request; a retry is answered from its reference');
    }
    return payload;
  });
}

/**
 * Runs `work` in one transaction. With an `Idempotency-Key` header its outcome is stored in that
 * same transaction, and the response as sent over it, so a retry (after a timeout, a crash, a double
 * click) gets the first response and the change happens once; the same key with a different request is
 * refused with 422. A retry of a request whose response was stored does not return here: StoredResponse
 * is thrown, so nothing the route would do after this call runs again.
 * `independent`: the work qualifies for transactIndependent (db/transact.ts), and runs through it.
 */
export async function runInTransaction<T>(
  db: Db, request: FastifyRequest, reply: FastifyReply, work: (trx: Trx) => Promise<Outcome<T>>, opts: { independent?: boolean } = {},
): Promise<Outcome<T>> {
  const run = opts.independent ? transactIndependent : transact;
  return runIdempotently<Outcome<T>, T>(db, request, reply, async ({ earlier, record }) => earlier ?? run(db, async (trx) => {
    const done = await work(trx);
    if (record) await record(trx, done);
    return done;
  }));
}

/** What runIdempotently hands the change: either the key's earlier outcome, or the way to record its own. */
export interface IdempotentStep<T> {
  /**
   * A retry whose first attempt committed but never stored its response (it died before answering, or it
   * is still finishing): its outcome, often only a reference. The change is done; finish it from this.
   */
  earlier?: Outcome<T>;
  /** Stores the key with this outcome; call it inside the change's own transaction. Absent without a key. */
  record?: (trx: Trx, outcome: Outcome<T>) => Promise<void>;
}

/**
 * The Idempotency-Key mechanism of runInTransaction, for a use case that opens its own transaction (a
 * refund, an A/R retry: the gateway is called after commit, by the use case): `perform` runs the change
 * and calls `record` in its transaction, so the key and the change commit together. Same replay rules:
 * a stored response is thrown as StoredResponse, the same key with another request is 422.
 */
export async function runIdempotently<R, T = unknown>(
  db: Db, request: FastifyRequest, reply: FastifyReply, perform: (step: IdempotentStep<T>) => Promise<R>,
): Promise<R> {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return perform({});
  if (typeof header !== 'string' || header.length > MAX_KEY) {
    throw new AppError('validation_failed', `Idempotency-Key must be 1–${MAX_KEY} characters`, { field: 'Idempotency-Key' });
  }
  // A blank key is a client that meant to send one (an unset variable in a template): running the request
  // without a key would let its retry repeat the change. Trimmed because HTTP drops the whitespace around
  // a header value anyway (Node does, proxies may not), so " k" and "k" must be one key.
  const key = header.trim();
  if (!key) {
    throw new AppError('validation_failed', `Idempotency-Key is blank: send a key of 1–${MAX_KEY} characters, or no header for a request without one`, { field: 'Idempotency-Key' });
  }
  const principal = principalOf(request).key;
  const hash = requestHash(request);
  // `queued`: read on the writer, behind the writes queued before it (on SQLite, a racing request's
  // transaction may still be in the group commit this one failed in; the reader would not see it yet).
  const replay = async (queued = false): Promise<Outcome<T> | undefined> => {
    const stored = queued ? await transact(db, (trx) => findStored(trx, principal, key)) : await findStored(db, principal, key);
    if (!stored) return undefined;
    if (stored.request_hash !== hash && stored.request_hash !== legacyRequestHash(request)) {
      throw new AppError('idempotency_key_reused', 'this Idempotency-Key was already used for a different request', { field: 'Idempotency-Key' });
    }
    const answer = JSON.parse(stored.response_json) as Record<string, unknown> | null;
    if (answer !== null && typeof answer === 'object' && SENT in answer) throw new StoredResponse(answer[SENT] as SentResponse);
    reply.header('idempotent-replayed', 'true');
    toStore.set(request, { principal, key, reference: stored.response_json, first: false });
    return { status: stored.status_code, body: answer as T };
  };

  const earlier = await replay();
  if (earlier) return perform({ earlier });
  let reference: string | undefined;
  const record = async (trx: Trx, done: Outcome<T>) => {
    reference = JSON.stringify(done.body);
    await insertQuery(trx, { principal, key, method: request.method, path: request.url, request_hash: hash, status_code: done.status, response_json: reference, created_at: Date.now() });
  };
  try {
    const result = await perform({ record });
    if (reference !== undefined) toStore.set(request, { principal, key, reference, first: true });
    return result;
  } catch (error) {
    // The same request racing itself (a double click, a client retrying too soon): if the other one
    // committed first, this attempt rolled back whole, having failed either on the key itself or on the
    // other's effect (an order already moved: 409). Either way the first answer is the one to give.
    if (isUniqueViolation(error) || error instanceof AppError) {
      const winner = await replay(true);
      if (winner) return perform({ earlier: winner });
    }
    throw error;
  }
}

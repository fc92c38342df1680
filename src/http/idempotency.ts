import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Trx } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { transact, transactIndependent } from '../db/transact.js';
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

async function findStored(db: Db | Trx, principal: string, key: string) {
  return db.selectFrom('idempotency_keys').selectAll().where('principal', '=', principal).where('key', '=', key).executeTakeFirst();
}

/**
 * Runs `work` in one transaction. With an `Idempotency-Key` header the response is stored in that
 * same transaction, so a retry (after a timeout, a crash, a double click) gets the first response
 * and the change happens once; the same key with a different request is refused with 422.
 * `independent`: the work qualifies for transactIndependent (db/transact.ts), and runs through it.
 */
export async function runInTransaction<T>(
  db: Db, request: FastifyRequest, reply: FastifyReply, work: (trx: Trx) => Promise<Outcome<T>>, opts: { independent?: boolean } = {},
): Promise<Outcome<T>> {
  const run = opts.independent ? transactIndependent : transact;
  const key = request.headers['idempotency-key'];
  if (key === undefined) return run(db, work);
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY) {
    throw new AppError('validation_failed', `Idempotency-Key must be 1–${MAX_KEY} characters`, { field: 'Idempotency-Key' });
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
    reply.header('idempotent-replayed', 'true');
    return { status: stored.status_code, body: JSON.parse(stored.response_json) as T };
  };

  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await run(db, async (trx) => {
      const outcome = await work(trx);
      await trx
        .insertInto('idempotency_keys')
        .values({ principal, key, method: request.method, path: request.url, request_hash: hash, status_code: outcome.status, response_json: JSON.stringify(outcome.body), created_at: Date.now() })
        .execute();
      return outcome;
    });
  } catch (error) {
    // The same request racing itself (a double click, a client retrying too soon): if the other one
    // committed first, this attempt rolled back whole, having failed either on the key itself or on the
    // other's effect (an order already moved: 409). Either way the first answer is the one to give.
    if (isUniqueViolation(error) || error instanceof AppError) {
      const winner = await replay(true);
      if (winner) return winner;
    }
    throw error;
  }
}

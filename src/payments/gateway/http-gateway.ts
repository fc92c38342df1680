import { postJson } from './post-json.js';
import type {
  AuthorizeRequest, CaptureRequest, GatewayOutcome, PaymentGateway, PaymentSource, RefundRequest, SaleRequest, VoidRequest,
} from './gateway.js';

/**
 * A gateway spoken to as JSON over HTTP (the built-in sandbox speaks exactly this):
 *
 *   POST /v1/authorizations             { amount, currency, reference, source }
 *   POST /v1/sales                      { amount, currency, reference, source }
 *   POST /v1/transactions/:id/capture   { amount, currency, reference }
 *   POST /v1/transactions/:id/void      { reference }
 *   POST /v1/transactions/:id/refund    { amount, currency, reference }
 *
 * with `Authorization: Bearer <secret>` and `Idempotency-Key`. A processed request answers 2xx with
 * `{ id, status: approved|declined|pending, code?, message?, avs?, cvv? }`; a refused one 4xx with
 * `{ error: { code, message } }`.
 */
export interface HttpGatewayOptions {
  baseUrl: string;
  secret: string;
  name?: string;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** First backoff; doubles each retry, with jitter so many clients do not retry in step. */
  backoffMs?: number;
  /** Sent with every request (tests use it for the sandbox's fault header). */
  headers?: Record<string, string>;
  /** Told about each failed attempt; gets no request body, so never a card number. */
  onAttemptFailed?: (info: { path: string; attempt: number; reason: string }) => void;
}

interface WireResult {
  id?: string;
  status?: string;
  code?: string;
  message?: string;
  avs?: string;
  cvv?: string;
  error?: { code?: string; message?: string };
}

type Attempt = { done: true; outcome: GatewayOutcome } | { done: false; reason: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function wireSource(source: PaymentSource) {
  return source.type === 'card'
    ? { type: 'card', number: source.number, expMonth: source.expMonth, expYear: source.expYear, ...(source.cvc ? { cvc: source.cvc } : {}) }
    : { type: 'echeck', routingNumber: source.routingNumber, accountNumber: source.accountNumber, accountType: source.accountType };
}

function checksOf(body: WireResult) {
  return { ...(body.avs ? { avs: body.avs } : {}), ...(body.cvv ? { cvv: body.cvv } : {}) };
}

/** Turns one HTTP answer into an outcome, or says why it is worth another attempt. */
function outcomeOfResponse(status: number, body: WireResult | undefined): Attempt {
  if (status >= 500 || status === 429 || status === 408) return { done: false, reason: `HTTP ${status}` };
  if (!body || typeof body !== 'object') return { done: false, reason: `HTTP ${status} without a JSON body` };
  if (status >= 200 && status < 300) {
    const reference = typeof body.id === 'string' ? body.id : undefined;
    if (body.status === 'approved' && reference) return { done: true, outcome: { kind: 'approved', reference, ...checksOf(body) } };
    if (body.status === 'pending' && reference) return { done: true, outcome: { kind: 'pending', reference } };
    if (body.status === 'declined') {
      return {
        done: true,
        outcome: {
          kind: 'declined', code: body.code ?? 'declined', message: body.message ?? 'declined by the gateway', ...(reference ? { reference } : {}), ...checksOf(body),
        },
      };
    }
    // A 2xx we cannot read may still have moved money: the same key will tell us on the next attempt.
    return { done: false, reason: `HTTP ${status} with an unreadable result` };
  }
  // Any other 4xx is a definite "not done": the gateway refused the request itself.
  const code = body.error?.code ?? `http_${status}`;
  return { done: true, outcome: { kind: 'declined', code, message: body.error?.message ?? `gateway refused the request (HTTP ${status})`, ...(body.id ? { reference: body.id } : {}) } };
}

/** A URL as it may be shown: credentials in it (`https://user:pass@…`) are dropped. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.href.replace(/\/+$/, '');
}

export function createHttpGateway(options: HttpGatewayOptions): PaymentGateway {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const backoffMs = options.backoffMs ?? 250;

  async function attempt(path: string, idempotencyKey: string, payload: string): Promise<Attempt> {
    try {
      const response = await postJson(`${base}${path}`, {
        ...options.headers,
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${options.secret}`,
        'idempotency-key': idempotencyKey,
      }, payload, timeoutMs);
      const { text } = response;
      let body: WireResult | undefined;
      try {
        body = text ? (JSON.parse(text) as WireResult) : undefined;
      } catch {
        body = undefined;
      }
      return outcomeOfResponse(response.status, body);
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const cause = error instanceof Error ? `: ${error.message}` : '';
      return { done: false, reason: name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `connection failed${cause}` };
    }
  }

  /** The same body and the same key on every attempt: a retry is the same request, never a new charge. */
  async function send(path: string, idempotencyKey: string, body: Record<string, unknown>): Promise<GatewayOutcome> {
    if (!idempotencyKey) throw new Error('an idempotency key is required for every gateway call');
    const payload = JSON.stringify(body);
    let reason = '';
    for (let n = 1; n <= maxAttempts; n++) {
      const result = await attempt(path, idempotencyKey, payload);
      if (result.done) return result.outcome;
      reason = result.reason;
      options.onAttemptFailed?.({ path, attempt: n, reason });
      if (n < maxAttempts) await sleep(backoffMs * 2 ** (n - 1) * (0.5 + Math.random() / 2));
    }
    return { kind: 'unknown', reason: `${reason} (after ${maxAttempts} attempts)` };
  }

  const tx = (id: string) => `/v1/transactions/${encodeURIComponent(id)}`;
  return {
    name: options.name ?? 'http',
    connection: { url: withoutCredentials(base), timeoutMs, attempts: maxAttempts },
    authorize: (r: AuthorizeRequest) => send('/v1/authorizations', r.idempotencyKey, { amount: r.amount, currency: r.currency, reference: r.reference, source: wireSource(r.source) }),
    sale: (r: SaleRequest) => send('/v1/sales', r.idempotencyKey, { amount: r.amount, currency: r.currency, reference: r.reference, source: wireSource(r.source) }),
    capture: (r: CaptureRequest) => send(`${tx(r.transaction)}/capture`, r.idempotencyKey, { amount: r.amount, currency: r.currency, reference: r.reference }),
    void: (r: VoidRequest) => send(`${tx(r.transaction)}/void`, r.idempotencyKey, { reference: r.reference }),
    refund: (r: RefundRequest) => send(`${tx(r.transaction)}/refund`, r.idempotencyKey, { amount: r.amount, currency: r.currency, reference: r.reference }),
  };
}

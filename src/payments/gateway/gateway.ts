/**
 * What Orderdeck asks of a payment gateway. Every money-moving call carries an idempotency key, so a
 * retry after a lost answer replays the first result instead of charging again. Expected results —
 * approved, declined, pending, and "we do not know" — are values: a caller never needs try/catch to
 * learn that a card was declined, and cannot mistake a timeout for a decline.
 */

/** A card as the vault reveals it, in memory only. Never log, store or serialise one outside the call. */
export interface CardSource {
  type: 'card';
  number: string;
  expMonth: number;
  expYear: number;
  cvc?: string;
}

export interface ECheckSource {
  type: 'echeck';
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
}

export type PaymentSource = CardSource | ECheckSource;

interface MoneyRequest {
  /** Unique per intended operation; reuse it (and only it) when retrying that same operation. */
  idempotencyKey: string;
  /** Minor units of `currency` (cents for USD). */
  amount: number;
  /** ISO 4217 code. */
  currency: string;
  /** Our reference, the order id, so the gateway's records can be matched to ours. */
  reference: string;
}

export interface AuthorizeRequest extends MoneyRequest {
  source: PaymentSource;
}
export type SaleRequest = AuthorizeRequest;

/** Capture, void and refund act on an earlier transaction, named by the gateway's reference. */
export interface CaptureRequest extends MoneyRequest {
  transaction: string;
}
export type RefundRequest = CaptureRequest;
export interface VoidRequest {
  idempotencyKey: string;
  reference: string;
  transaction: string;
}

/** AVS and CVV results in the card networks' one-letter codes (Y match, N no match, U unavailable…). */
export interface Checks {
  avs?: string;
  cvv?: string;
}

export type GatewayOutcome =
  | ({ kind: 'approved'; reference: string } & Checks)
  | ({ kind: 'declined'; code: string; message: string; reference?: string } & Checks)
  /** Accepted, settles later (e-checks); the result arrives as a `cleared` or `failed` notification. */
  | { kind: 'pending'; reference: string }
  /**
   * Timeout, connection reset, 5xx after retries: the money may or may not have moved. Retry later with
   * the same idempotency key; never start a new operation for the same intent.
   */
  | { kind: 'unknown'; reason: string };

export interface GatewayConnection {
  /** Without credentials. */
  url: string;
  timeoutMs: number;
  attempts: number;
}

export interface PaymentGateway {
  /** Short name stored with ledger rows and used in the notification URL, e.g. `sandbox`. */
  readonly name: string;
  /** Where and how patiently it is called, for the settings page (an adapter over HTTP says). */
  readonly connection?: GatewayConnection;
  authorize(request: AuthorizeRequest): Promise<GatewayOutcome>;
  capture(request: CaptureRequest): Promise<GatewayOutcome>;
  sale(request: SaleRequest): Promise<GatewayOutcome>;
  void(request: VoidRequest): Promise<GatewayOutcome>;
  refund(request: RefundRequest): Promise<GatewayOutcome>;
}

/** What an asynchronous notification says happened (see notifications.ts for how one is believed). */
export const GATEWAY_EVENT_TYPES = ['cleared', 'failed', 'chargeback'] as const;
export type GatewayEventType = (typeof GATEWAY_EVENT_TYPES)[number];

export interface GatewayEvent {
  eventId: string;
  type: GatewayEventType;
  /** The gateway's transaction reference, as returned by authorize/sale. */
  reference: string;
  amount: number;
  currency: string;
  reason?: string;
  /** Epoch ms, as the gateway saw it. */
  occurredAt: number;
}

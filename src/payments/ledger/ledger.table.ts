import type { Generated, Insertable, Selectable } from 'kysely';

export const LEDGER_KINDS = ['authorize', 'capture', 'sale', 'void', 'refund', 'chargeback', 'offline_payment', 'external_refund'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * started  — written before the gateway call; the outcome is not known yet.
 * approved — the money moved (or, for an authorization, is held).
 * declined — refused by the gateway, with its code.
 * pending  — accepted, settles later (e-check): a `cleared` or `failed` notification resolves it.
 * failed   — a pending operation that did not settle (bounced e-check).
 * unknown  — timeout or 5xx after retries: recovery asks again with the same idempotency key.
 */
export const LEDGER_STATUSES = ['started', 'approved', 'declined', 'pending', 'failed', 'unknown'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

/** One money-moving operation on an order. Never deleted; a void or refund is a row of its own. */
export interface PaymentLedgerTable {
  id: Generated<number>;
  order_id: number;
  kind: LedgerKind;
  /** Minor units, always positive; the kind says which way the money goes. */
  amount: number;
  currency: string;
  /** `sandbox`, `http` (a real gateway), `offline` (check, wire… marked paid) or `external` (the storefront charged). */
  gateway: string;
  idempotency_key: string;
  /** The authorization a capture or void acts on, the charge a refund returns. */
  parent_id: number | null;
  /** Vault token charged, so recovery can resend the same request; never a card number. */
  source_token: string | null;
  status: LedgerStatus;
  gateway_reference: string | null;
  decline_code: string | null;
  message: string | null;
  avs: string | null;
  cvv: string | null;
  actor: string;
  reason: string | null;
  /** Kind-specific detail, e.g. a refund's item quantities. */
  details_json: string | null;
  attempts: number;
  created_at: number;
  resolved_at: number | null;
  /** For started/unknown rows: when recovery may try again. */
  next_attempt_at: number | null;
}

export type LedgerRow = Selectable<PaymentLedgerTable>;
export type NewLedgerRow = Insertable<PaymentLedgerTable>;

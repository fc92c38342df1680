import type { Trx } from '../../db/database.js';
import type { StoredPayment } from '../../orders/orders.mapper.js';
import type { Static } from 'typebox';
import type { PaymentInput } from '../../orders/orders.schemas.js';
import { invalid } from '../../shared/errors.js';
import { ASYNCHRONOUS_METHODS, type PaymentMethod, type PaymentStatus, type Stage } from '../../stages/stages.js';
import { findVaultCard } from '../../vault/vault.repository.js';
import type { PaymentSource } from '../gateway/gateway.js';
import { insertLedgerRow, writeLedgerRow } from '../ledger/ledger.repository.js';
import type { LedgerRow } from '../ledger/ledger.table.js';
import type { VaultCardRow } from '../../vault/vault.table.js';
import { retryDelayMs } from './ledger-operation.js';

type PaymentInputT = Static<typeof PaymentInput>;

/** What a new order's payment is, before routing decides whether money moves now. */
export interface IntakePayment {
  stored: StoredPayment;
  status: PaymentStatus;
  /** The vault's fingerprint of the card, for fraud velocity and block rules. */
  cardFingerprint: string | null;
  /** Orderdeck charges it (vaulted card, e-check details) once fraud and routing allow. */
  gateway?: { sourceToken: string | null; source?: PaymentSource; vaulted?: VaultCardRow };
  /** The storefront already took, tried or submitted it: recorded in the ledger as it is. */
  recorded?: { kind: 'sale' | 'authorize'; status: 'approved' | 'declined' | 'pending' };
  /** The order, priced, asks for no money (intakeForTotal): the payment is skipped, and routing says why. */
  nothingDue?: true;
}

/** Statuses a storefront may report for a new order; refunds and voids happen to orders that exist. */
const REPORTABLE: ReadonlySet<PaymentStatus> = new Set(['unprocessed', 'processed', 'authorized', 'declined', 'skipped']);

export async function prepareIntakePayment(trx: Trx, payment: PaymentInputT): Promise<IntakePayment> {
  if (payment.card && payment.method !== 'credit_card') throw invalid('/payment/card', 'card details go with the credit_card method only');
  if (payment.echeck && payment.method !== 'e_check') throw invalid('/payment/echeck', 'bank account details go with the e_check method only');
  if (payment.status !== undefined && !REPORTABLE.has(payment.status)) {
    throw invalid('/payment/status', `a new order's payment is unprocessed, processed, authorized, declined or skipped; ${payment.status} happens later, through refunds and voids`);
  }
  const reference = payment.reference ?? null;
  const vaulted = payment.card ? await findVaultCard(trx, payment.card.token) : undefined;
  const stored: StoredPayment = { card: null, reference };
  if (payment.card) {
    if (vaulted) {
      stored.card = { token: vaulted.token, brand: vaulted.brand, last4: vaulted.last4, expMonth: vaulted.exp_month, expYear: vaulted.exp_year };
    } else {
      // A token from the storefront's own gateway: Orderdeck cannot charge it, only keep what it was told.
      if (payment.status === undefined) throw invalid('/payment/card/token', 'no card with this token is in the vault; store the card first (POST /vault/cards)');
      const { token, brand, last4, expMonth, expYear } = payment.card;
      if (!brand || !last4 || !expMonth || !expYear) throw invalid('/payment/card', 'a card not in the vault needs brand, last4, expMonth and expYear');
      stored.card = { token, brand, last4, expMonth, expYear };
    }
  }
  const base = { stored, cardFingerprint: vaulted?.fingerprint ?? null };

  if (payment.status !== undefined) {
    const s = payment.status;
    if (s === 'processed' || s === 'authorized' || s === 'declined') {
      return { ...base, status: s, recorded: { kind: s === 'authorized' ? 'authorize' : 'sale', status: s === 'declined' ? 'declined' : 'approved' } };
    }
    // Submitted by the storefront, settling later: the reference is what the provider's notification will name.
    if (s === 'unprocessed' && reference && ASYNCHRONOUS_METHODS.has(payment.method)) return { ...base, status: s, recorded: { kind: 'sale', status: 'pending' } };
    return { ...base, status: s };
  }
  if (payment.method === 'credit_card' && vaulted) return { ...base, status: 'unprocessed', gateway: { sourceToken: vaulted.token, vaulted } };
  if (payment.method === 'e_check' && payment.echeck) {
    const { routingNumber, accountNumber, accountType } = payment.echeck;
    return { ...base, status: 'unprocessed', gateway: { sourceToken: null, source: { type: 'echeck', routingNumber, accountNumber, accountType } } };
  }
  // No card yet (a phone order, say): Accounts Receivable takes it later, with a pay link or a retry.
  return { ...base, status: 'unprocessed' };
}

/**
 * The intake once the order is priced (prepareIntakePayment runs before, with the vault look-up). A total
 * of 0 asks for no money: nothing is charged, submitted or collected, so the payment is `skipped` and
 * routing sends the order on (Shipping, or Completed when nothing ships). Left unprocessed it would wait in
 * Accounts Receivable for good: a retry, a payment request and the A/R schedule all find nothing due, and
 * Shipping refuses an unprocessed payment. A quote is left alone (it is priced later), and so is what a
 * storefront reports as taken or waived already.
 */
export function intakeForTotal(intake: IntakePayment, total: number, method: PaymentMethod): IntakePayment {
  if (total !== 0 || method === 'quote_request' || intake.status === 'processed' || intake.status === 'skipped') return intake;
  return { stored: intake.stored, cardFingerprint: intake.cardFingerprint, status: 'skipped', nothingDue: true };
}

/** How the payment is taken as the order is placed: one of routing's facts (stages/routing.ts). */
export function paymentIntakeOf(intake: IntakePayment): 'charge_now' | 'submitted' | 'none' | 'nothing_due' {
  if (intake.nothingDue) return 'nothing_due';
  return intake.gateway ? 'charge_now' : intake.recorded?.status === 'pending' ? 'submitted' : 'none';
}

export interface PlacedOrder {
  id: number;
  orderNumber: string;
  total: number;
  currency: string;
  stage: Stage;
  createdAt: number;
}

/** A gateway operation written `started`, to be carried out once the order's transaction has committed. */
export interface PendingOperation {
  ledgerId: number;
  source?: PaymentSource;
  /** The row as written and the vaulted card it charges, so the charge after commit reads neither again. */
  row?: LedgerRow;
  vaulted?: VaultCardRow;
}

/**
 * Writes the new order's ledger rows: what the storefront reports, as it is; and, when routing put the
 * order in Accounts Receivable to be charged now, the `started` charge the caller performs after commit.
 * A quote, a pre-order or an order held for fraud review is charged later, when it is accepted, released
 * or approved. Recovery picks the started row up if this process dies before the gateway answers.
 */
export async function recordIntakePayment(
  trx: Trx, order: PlacedOrder, intake: IntakePayment, opts: { actor: string; gateway: string; cardMode: 'sale' | 'authorize'; reference: string | null },
): Promise<PendingOperation | undefined> {
  const common = { order_id: order.id, amount: order.total, currency: order.currency, actor: opts.actor, created_at: order.createdAt };
  if (intake.recorded) {
    const { kind, status } = intake.recorded;
    await insertLedgerRow(trx, {
      ...common, kind, status, gateway: status === 'pending' ? opts.gateway : 'external', idempotency_key: `order:${order.orderNumber}:reported`,
      gateway_reference: opts.reference, source_token: intake.stored.card?.token ?? null, reason: 'reported by the storefront',
      resolved_at: status === 'pending' ? null : order.createdAt,
    });
    return undefined;
  }
  if (!intake.gateway || order.stage !== 'accounts_receivable' || order.total === 0) return undefined;
  const kind = intake.gateway.source?.type === 'echeck' ? 'sale' : opts.cardMode;
  const row = await writeLedgerRow(trx, {
    ...common, kind, status: 'started', gateway: opts.gateway, idempotency_key: `order:${order.orderNumber}:${kind}`,
    source_token: intake.gateway.sourceToken, reason: kind === 'authorize' ? 'authorized when the order was placed' : 'charged when the order was placed', next_attempt_at: order.createdAt + retryDelayMs(0),
  });
  return {
    ledgerId: row.id, row, ...(intake.gateway.source ? { source: intake.gateway.source } : {}),
    ...(intake.gateway.vaulted ? { vaulted: intake.gateway.vaulted } : {}),
  };
}

import type { Trx } from '../../db/database.js';
import type { StoredPayment } from '../../orders/orders.mapper.js';
import type { OrderRow } from '../../orders/orders.table.js';
import { findVaultCard } from '../../vault/vault.repository.js';
import { dueOf } from '../ledger/ledger.mapper.js';
import type { LedgerRow } from '../ledger/ledger.table.js';
import { derivePaymentState } from '../ledger/payment-state.js';
import { insertLedgerRow } from '../ledger/ledger.repository.js';
import { retryDelayMs } from './ledger-operation.js';

/** How the merchant charges a card (payment settings) and through which gateway. */
export interface CardCharge {
  cardMode: 'sale' | 'authorize';
  gateway: string;
}

/**
 * The charge of the payment step: what the order owes, on the card it carries, when that card is in the
 * vault and nothing else is in flight. Written `started` in the caller's transaction; the caller performs
 * it after commit (performLedgerOperation), so no transaction waits on the gateway. Returns the ledger id,
 * or undefined when there is nothing to charge that way (no card on file, nothing due, a charge in flight):
 * the order then waits in Accounts Receivable for its schedule or for staff.
 */
export async function startCardOnFileCharge(
  trx: Trx, order: OrderRow, ledger: readonly LedgerRow[], reason: string, actor: string, now: number, opts: CardCharge,
): Promise<number | undefined> {
  const due = dueOf(order);
  const card = (JSON.parse(order.payment_json) as StoredPayment).card;
  if (!card || order.payment_method !== 'credit_card' || due <= 0) return undefined;
  if (derivePaymentState(ledger, Number(order.total)).inFlight) return undefined;
  const vaulted = await findVaultCard(trx, card.token);
  if (!vaulted) return undefined;
  const attempt = ledger.filter((r) => r.kind === opts.cardMode).length + 1;
  return insertLedgerRow(trx, {
    order_id: order.id, kind: opts.cardMode, amount: due, currency: order.currency, gateway: opts.gateway, status: 'started',
    idempotency_key: `step:${order.order_number}:${opts.cardMode}:${attempt}`, source_token: vaulted.token, actor, reason,
    created_at: now, next_attempt_at: now + retryDelayMs(0),
  });
}

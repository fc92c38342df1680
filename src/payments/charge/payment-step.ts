import type { Trx } from '../../db/database.js';
import { changeOrderStage } from '../../orders/move-order-stage.js';
import type { StoredPayment } from '../../orders/orders.mapper.js';
import type { OrderRow } from '../../orders/orders.table.js';
import { routeAfterPaymentStep } from '../../stages/routing.js';
import { isPaymentSettled, type PaymentMethod, type PaymentStatus, type Stage } from '../../stages/stages.js';
import { findVaultCard } from '../../vault/vault.repository.js';
import { dueOf } from '../ledger/ledger.mapper.js';
import { insertLedgerRow, listLedgerRows } from '../ledger/ledger.repository.js';
import { derivePaymentState } from '../ledger/payment-state.js';
import { retryDelayMs } from './ledger-operation.js';

export interface PaymentStepResult {
  stage: Stage;
  /** A charge written `started`: perform it after commit (performLedgerOperation). */
  ledgerId: number | undefined;
}

/**
 * "The payment step" that approving fraud review (and, later, releasing a pre-order or accepting a quote)
 * leads to (DOMAIN.md): money already settled → on to shipping or completed; a vaulted card → charged now,
 * the order waiting in Accounts Receivable for the answer; an e-check already submitted → Pending
 * Clearance; anything else → Accounts Receivable to collect. The move and the charge's ledger row are
 * written in the caller's transaction.
 */
export async function startPaymentStep(
  trx: Trx, order: OrderRow, reason: string, actor: string, now: number,
  opts: { cardMode: 'sale' | 'authorize'; gateway: string; patch?: Partial<OrderRow> },
): Promise<PaymentStepResult> {
  const status = order.payment_status as PaymentStatus;
  const due = dueOf(order);
  const move = async (to: Stage, why: string) => {
    await changeOrderStage(trx, order, to, `${reason}; ${why}`, actor, now, opts.patch ?? {});
    return to;
  };
  if (isPaymentSettled(status)) {
    const route = routeAfterPaymentStep({ paymentMethod: order.payment_method as PaymentMethod, paymentStatus: status, hasShippable: order.has_shippable === 1 });
    return { stage: await move(route.stage, route.reason), ledgerId: undefined };
  }
  const rows = await listLedgerRows(trx, order.id);
  const state = derivePaymentState(rows, Number(order.total));
  if (state.awaitingClearance) return { stage: await move('pending_clearance', 'payment submitted; awaiting the provider\'s notification'), ledgerId: undefined };
  const card = (JSON.parse(order.payment_json) as StoredPayment).card;
  const vaulted = card && order.payment_method === 'credit_card' && due > 0 && !state.inFlight ? await findVaultCard(trx, card.token) : undefined;
  if (!vaulted) return { stage: await move('accounts_receivable', `payment ${status}: to be collected`), ledgerId: undefined };
  await move('accounts_receivable', 'charging the card on file');
  const attempt = rows.filter((r) => r.kind === opts.cardMode).length + 1;
  const ledgerId = await insertLedgerRow(trx, {
    order_id: order.id, kind: opts.cardMode, amount: due, currency: order.currency, gateway: opts.gateway, status: 'started',
    idempotency_key: `step:${order.order_number}:${opts.cardMode}:${attempt}`, source_token: vaulted.token, actor, reason,
    created_at: now, next_attempt_at: now + retryDelayMs(0),
  });
  return { stage: 'accounts_receivable', ledgerId };
}

import type { Trx } from '../../db/database.js';
import { changeOrderStage } from '../../orders/move-order-stage.js';
import type { OrderRow } from '../../orders/orders.table.js';
import { routeAfterPaymentStep } from '../../stages/routing.js';
import { isPaymentSettled, type PaymentMethod, type PaymentStatus, type Stage } from '../../stages/stages.js';
import { listLedgerRows } from '../ledger/ledger.repository.js';
import { derivePaymentState } from '../ledger/payment-state.js';
import { type CardCharge, startCardOnFileCharge } from './charge-card-on-file.js';

export interface PaymentStepResult {
  stage: Stage;
  /** A charge written `started`: perform it after commit (performLedgerOperation). */
  ledgerId: number | undefined;
}

/**
 * "The payment step" that approving fraud review leads to (a release from Pre-ordered charges the same way:
 * move-order-stage.ts) (DOMAIN.md): money already settled → on to shipping or completed; a vaulted card → charged now,
 * the order waiting in Accounts Receivable for the answer; an e-check already submitted → Pending
 * Clearance; anything else → Accounts Receivable to collect. The move and the charge's ledger row are
 * written in the caller's transaction.
 */
export async function startPaymentStep(
  trx: Trx, order: OrderRow, reason: string, actor: string, now: number,
  opts: CardCharge & { patch?: Partial<OrderRow> },
): Promise<PaymentStepResult> {
  const status = order.payment_status as PaymentStatus;
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
  const ledgerId = await startCardOnFileCharge(trx, order, rows, reason, actor, now, opts);
  await move('accounts_receivable', ledgerId === undefined ? `payment ${status}: to be collected` : 'charging the card on file');
  return { stage: 'accounts_receivable', ledgerId };
}

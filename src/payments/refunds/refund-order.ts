import type { Db } from '../../db/database.js';
import { transact } from '../../db/transact.js';
import { moveOrderToStage } from '../../orders/move-order-stage.js';
import { findOrderByNumber } from '../../orders/orders.repository.js';
import { type Actor, actorLabel } from '../../shared/actor.js';
import { notFound } from '../../shared/errors.js';
import { performLedgerOperation } from '../charge/ledger-operation.js';
import { toLedgerEntryDto, toOrderPaymentsDto } from '../ledger/ledger.mapper.js';
import { listLedgerRows } from '../ledger/ledger.repository.js';
import type { PaymentServices } from '../payment-services.js';
import type { RefundBreakdown } from './refund-calculation.js';
import { type RefundCommand, startRefund } from './start-refund.js';

export interface RefundOutcome {
  payments: ReturnType<typeof toOrderPaymentsDto>;
  refund: RefundBreakdown & { id: string; entries: ReturnType<typeof toLedgerEntryDto>[]; rejected: boolean; replayed: boolean };
}

/**
 * A refund end to end: write it (one transaction), send each gateway row after commit, then — for
 * "refund then reject" — reject the order, but only once every row is approved: an order whose money
 * did not go back is not cancelled behind the merchant's back. A row the gateway has not answered stays
 * `unknown` for recovery; its units stay reserved until it is declined.
 */
export async function refundOrder(
  db: Db, services: PaymentServices, cmd: Omit<RefundCommand, 'actor'>, actor: Actor, now = Date.now(),
): Promise<RefundOutcome> {
  const started = await transact(db, (trx) => startRefund(trx, { ...cmd, actor: actorLabel(actor) }, now));
  for (const id of started.ledgerIds) await performLedgerOperation(db, services, id);

  const order = await findOrderByNumber(db, started.orderNumber);
  if (!order) throw notFound('order', started.orderNumber);
  let rows = await listLedgerRows(db, order.id);
  const mine = () => rows.filter((r) => started.ledgerIds.includes(r.id));
  let rejected = false;
  if (cmd.rejectAfter && mine().every((r) => r.status === 'approved') && order.stage !== 'rejected') {
    // Rejected like any other reject: an authorization still held is voided too (after commit).
    const voids = await transact(db, (trx) => moveOrderToStage(trx, {
      orderNumber: started.orderNumber, to: 'rejected', reason: `refunded, then rejected — ${cmd.reason}`,
      // The refund just made is what the staff chose to return; whatever it left paid is kept on purpose.
      keepPayment: true,
      ...(cmd.authorizeReject ? { authorize: cmd.authorizeReject } : {}),
    }, actor));
    for (const id of voids) await performLedgerOperation(db, services, id);
    if (voids.length) rows = await listLedgerRows(db, order.id);
    rejected = true;
  }
  const current = rejected ? (await findOrderByNumber(db, started.orderNumber))! : order;
  return {
    payments: toOrderPaymentsDto(current, rows),
    refund: {
      ...started.breakdown, id: cmd.refundId, entries: mine().map(toLedgerEntryDto),
      rejected: rejected || (cmd.rejectAfter === true && current.stage === 'rejected'), replayed: started.replayed,
    },
  };
}

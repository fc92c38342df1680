import type { Executor } from '../../db/database.js';
import { assertMayViewStage } from '../../auth/stage-access.js';
import { findOrderByNumber } from '../../orders/orders.repository.js';
import { notFound } from '../../shared/errors.js';
import type { OrderPaymentsDto } from '../payments.schemas.js';
import { toOrderPaymentsDto } from './ledger.mapper.js';
import { listLedgerRows } from './ledger.repository.js';

/**
 * The order's ledger and the payment figures derived from it: what every payment action answers with.
 * `caller`, when given, must be allowed to see the order's stage (the plain ledger view checks it; an
 * action's own permission has already been checked by then).
 */
export async function getOrderPayments(db: Executor, orderNumber: string, caller?: Parameters<typeof assertMayViewStage>[0]): Promise<OrderPaymentsDto> {
  const order = await findOrderByNumber(db, orderNumber);
  if (!order) throw notFound('order', orderNumber);
  if (caller) assertMayViewStage(caller, order.stage);
  return toOrderPaymentsDto(order, await listLedgerRows(db, order.id));
}

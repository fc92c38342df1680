import type { Trx } from '../../db/database.js';
import { lockOrderForChange } from '../../orders/order-lock.js';
import { insertOrderHistory, updateOrderRow } from '../../orders/orders.repository.js';
import { enqueueEvent } from '../../outbox/outbox.repository.js';
import type { Permission } from '../../auth/permissions.js';
import { AppError } from '../../shared/errors.js';
import { type ExpectedVersion, staleVersion } from '../../shared/versioning.js';

/**
 * Lifting a block can let money go out twice (the chargeback's and a refund's), so it is a manager's
 * decision; placing one only stops refunds, so whoever may refund may place it.
 */
export const LIFT_REFUND_BLOCK_PERMISSION: Permission = 'settings:manage';

export interface RefundBlockChange {
  blocked: boolean;
  reason: string;
  expected?: ExpectedVersion | undefined;
}

/**
 * Places or lifts an order's refund block by hand. A chargeback notification places it on its own; staff
 * place it when a dispute is known before the gateway reports it, and lift it once the dispute is over.
 * Returns whether anything changed (asking for the state the order is already in changes nothing).
 */
export async function setRefundBlock(
  trx: Trx, orderNumber: string, change: RefundBlockChange, who: { actor: string; permissions: ReadonlySet<Permission> }, now = Date.now(),
): Promise<boolean> {
  const reason = change.reason.trim();
  if (!reason) throw new AppError('validation_failed', 'say why the refund block is placed or lifted', { field: '/reason' });
  const row = await lockOrderForChange(trx, orderNumber, change.expected);
  const blocked = change.blocked ? 1 : 0;
  if (row.refund_blocked === blocked) return false;
  if (!change.blocked && !who.permissions.has(LIFT_REFUND_BLOCK_PERMISSION)) {
    throw new AppError('forbidden', `lifting a refund block needs the "${LIFT_REFUND_BLOCK_PERMISSION}" permission`, { field: '/blocked' });
  }
  if (!(await updateOrderRow(trx, row.id, row.version, { refund_blocked: blocked, updated_at: now }))) {
    throw staleVersion('order', change.expected ?? { version: row.version, source: 'body' }, row.version + 1);
  }
  await insertOrderHistory(trx, {
    orderId: row.id, at: now, actor: who.actor, kind: 'payment', reason, changes: [change.blocked ? 'refund block placed' : 'refund block lifted'],
  });
  await enqueueEvent(trx, 'order.refund_block_changed', { type: 'order', id: row.order_number }, { orderId: row.order_number, blocked: change.blocked, reason }, now);
  return true;
}

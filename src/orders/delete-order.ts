import type { Trx } from '../db/database.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { uncountCustomerOrder } from '../customers/customers.repository.js';
import { AppError } from '../shared/errors.js';
import type { Stage } from '../stages/stages.js';
import { lockOrderForChange } from './order-lock.js';
import { adjustStageCount, deleteOrderRow } from './orders.repository.js';

/**
 * Hard delete exists only for test orders; real orders are rejected, which keeps them reportable.
 * The deletion itself is recorded as an event, since the order's own history goes with it.
 */
export async function deleteTestOrder(trx: Trx, orderNumber: string, actor: Actor, now = Date.now()): Promise<void> {
  const row = await lockOrderForChange(trx, orderNumber);
  if (row.is_test !== 1) throw new AppError('conflict', `${orderNumber} is not a test order; reject it instead`, { field: 'orderId' });
  await deleteOrderRow(trx, row.id);
  await adjustStageCount(trx, row.stage as Stage, -1);
  if (row.customer_id !== null) await uncountCustomerOrder(trx, row.customer_id);
  await enqueueEvent(trx, 'order.deleted', { type: 'order', id: row.order_number }, { orderId: row.order_number, by: actorLabel(actor) }, now);
}

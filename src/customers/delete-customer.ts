import type { Trx } from '../db/database.js';
import type { ExpectedVersion } from '../shared/versioning.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { AppError } from '../shared/errors.js';
import { deleteCustomerWithoutOrders } from './customers.repository.js';
import { lockCustomerForChange } from './customer-lock.js';

const keptWithOrders = (orders: number) =>
  new AppError('conflict', `this customer has ${orders} order(s); customers with orders are kept so the orders stay attributable`, { field: 'id' });

/** Deletes a customer who never ordered (e.g. entered by mistake). If-Match is honoured when sent, not required. */
export async function deleteCustomer(trx: Trx, id: number, expected: ExpectedVersion | undefined, actor: Actor, now = Date.now()): Promise<void> {
  const row = await lockCustomerForChange(trx, id, expected);
  if (row.order_count > 0) throw keptWithOrders(row.order_count);
  // The order_count guard repeats the check in SQL: on PostgreSQL the row lock already holds order
  // intake back, and this keeps the rule true even for a writer that skipped the lock.
  if (!(await deleteCustomerWithoutOrders(trx, row.id))) throw keptWithOrders(1);
  await enqueueEvent(trx, 'customer.deleted', { type: 'customer', id: String(row.id) }, { customerId: row.id, email: row.email, by: actorLabel(actor) }, now);
}

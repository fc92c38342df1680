import type { Executor, Trx } from '../db/database.js';
import { together } from '../db/statement-batch.js';
import { notFound } from '../shared/errors.js';
import { toOrderDto } from './orders.mapper.js';
import { findOrderByNumber, listOrderHistory, listOrderItems, listOrderNotes } from './orders.repository.js';
import type { OrderDto } from './orders.schemas.js';

export async function getOrder(db: Executor, orderNumber: string): Promise<OrderDto> {
  const row = await findOrderByNumber(db, orderNumber);
  if (!row) throw notFound('order', orderNumber);
  const lists = (x: Executor) => [listOrderItems(x, row.id), listOrderNotes(x, row.id), listOrderHistory(x, row.id)] as const;
  // In a transaction (a change answering with the order as it left it) the three lists share one
  // connection: one round trip together; outside one, the pool reads them side by side.
  const [items, notes, history] = db.isTransaction ? await together(db as Trx, lists) : await Promise.all(lists(db));
  return toOrderDto(row, items, notes, history);
}

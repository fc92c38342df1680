import type { Executor } from '../db/database.js';
import { notFound } from '../shared/errors.js';
import { toOrderDto } from './orders.mapper.js';
import { findOrderByNumber, listOrderHistory, listOrderItems, listOrderNotes } from './orders.repository.js';
import type { OrderDto } from './orders.schemas.js';

export async function getOrder(db: Executor, orderNumber: string): Promise<OrderDto> {
  const row = await findOrderByNumber(db, orderNumber);
  if (!row) throw notFound('order', orderNumber);
  const [items, notes, history] = await Promise.all([listOrderItems(db, row.id), listOrderNotes(db, row.id), listOrderHistory(db, row.id)]);
  return toOrderDto(row, items, notes, history);
}

import type { Trx } from '../db/database.js';
import { notFound } from '../shared/errors.js';
import { type ExpectedVersion, staleVersion } from '../shared/versioning.js';
import { lockOrderByNumber } from './orders.repository.js';
import type { OrderRow } from './orders.table.js';

/** Loads and locks an order for a change, refusing a stale writer before anything is touched. */
export async function lockOrderForChange(trx: Trx, orderNumber: string, expected?: ExpectedVersion): Promise<OrderRow> {
  const row = await lockOrderByNumber(trx, orderNumber);
  if (!row) throw notFound('order', orderNumber);
  if (expected && expected.version !== row.version) throw staleVersion('order', expected, row.version);
  return row;
}

import type { Trx } from '../db/database.js';
import { AppError, notFound } from '../shared/errors.js';
import { lockOrderByNumber } from './orders.repository.js';
import type { OrderRow } from './orders.table.js';

/** The version a writer read: from `If-Match` (412 when stale) or from the body (409 when stale). */
export interface ExpectedVersion {
  version: number;
  source: 'if-match' | 'body';
}

/** Loads and locks an order for a change, refusing a stale writer before anything is touched. */
export async function lockOrderForChange(trx: Trx, orderNumber: string, expected?: ExpectedVersion): Promise<OrderRow> {
  const row = await lockOrderByNumber(trx, orderNumber);
  if (!row) throw notFound('order', orderNumber);
  if (expected && expected.version !== row.version) throw staleVersion(expected, row.version);
  return row;
}

export function staleVersion(expected: ExpectedVersion, current: number): AppError {
  return new AppError(
    expected.source === 'if-match' ? 'precondition_failed' : 'version_conflict',
    `the order was changed by someone else (you have version ${expected.version}, it is now ${current}); reload and try again`,
    { field: expected.source === 'if-match' ? 'If-Match' : '/version', details: { currentVersion: current } },
  );
}

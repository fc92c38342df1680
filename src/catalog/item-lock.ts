import type { Trx } from '../db/database.js';
import type { ExpectedVersion } from '../orders/order-lock.js';
import { AppError, notFound } from '../shared/errors.js';
import { lockItemBySku } from './catalog.repository.js';
import type { CatalogItemRow } from './catalog.table.js';

/** Loads and locks an item for a change, refusing a stale writer before anything is touched. */
export async function lockItemForChange(trx: Trx, sku: string, expected?: ExpectedVersion): Promise<CatalogItemRow> {
  const row = await lockItemBySku(trx, sku);
  if (!row) throw notFound('catalog item', sku);
  if (expected && expected.version !== row.version) throw staleItem(expected, row.version);
  return row;
}

/** 412 when the stale version came from If-Match, 409 when from the body, as for orders. */
export function staleItem(expected: ExpectedVersion, current: number): AppError {
  return new AppError(
    expected.source === 'if-match' ? 'precondition_failed' : 'version_conflict',
    `the item was changed by someone else (you have version ${expected.version}, it is now ${current}); reload and try again`,
    { field: expected.source === 'if-match' ? 'If-Match' : '/version', details: { currentVersion: current } },
  );
}

export function requireExpectedVersion(expected: ExpectedVersion | undefined): ExpectedVersion {
  if (!expected) throw new AppError('precondition_required', 'send If-Match with the ETag you read, or "version" in the body', { field: 'If-Match' });
  return expected;
}

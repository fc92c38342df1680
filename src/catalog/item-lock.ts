import type { Trx } from '../db/database.js';
import { notFound } from '../shared/errors.js';
import { type ExpectedVersion, staleVersion } from '../shared/versioning.js';
import { lockItemBySku } from './catalog.repository.js';
import type { CatalogItemRow } from './catalog.table.js';

/** Loads and locks an item for a change, refusing a stale writer before anything is touched. */
export async function lockItemForChange(trx: Trx, sku: string, expected?: ExpectedVersion): Promise<CatalogItemRow> {
  const row = await lockItemBySku(trx, sku);
  if (!row) throw notFound('catalog item', sku);
  if (expected && expected.version !== row.version) throw staleVersion('item', expected, row.version);
  return row;
}

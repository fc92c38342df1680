import type { Trx } from '../db/database.js';
import { notFound } from '../shared/errors.js';
import { type ExpectedVersion, staleVersion } from '../shared/versioning.js';
import { lockCustomerById } from './customers.repository.js';
import type { CustomerRow } from './customers.table.js';

/** Loads and locks a customer for a change, refusing a stale writer before anything is touched. */
export async function lockCustomerForChange(trx: Trx, id: number, expected?: ExpectedVersion): Promise<CustomerRow> {
  const row = await lockCustomerById(trx, id);
  if (!row) throw notFound('customer', id);
  if (expected && expected.version !== row.version) throw staleVersion('customer', expected, row.version);
  return row;
}

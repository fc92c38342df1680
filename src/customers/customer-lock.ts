import type { Trx } from '../db/database.js';
import type { ExpectedVersion } from '../orders/order-lock.js';
import { AppError, notFound } from '../shared/errors.js';
import { lockCustomerById } from './customers.repository.js';
import type { CustomerRow } from './customers.table.js';

/** Loads and locks a customer for a change, refusing a stale writer before anything is touched. */
export async function lockCustomerForChange(trx: Trx, id: number, expected?: ExpectedVersion): Promise<CustomerRow> {
  const row = await lockCustomerById(trx, id);
  if (!row) throw notFound('customer', id);
  if (expected && expected.version !== row.version) throw staleCustomer(expected, row.version);
  return row;
}

/** 412 when the stale version came from If-Match, 409 when from the body, as for orders. */
export function staleCustomer(expected: ExpectedVersion, current: number): AppError {
  return new AppError(
    expected.source === 'if-match' ? 'precondition_failed' : 'version_conflict',
    `the customer was changed by someone else (you have version ${expected.version}, it is now ${current}); reload and try again`,
    { field: expected.source === 'if-match' ? 'If-Match' : '/version', details: { currentVersion: current } },
  );
}

export function requireExpectedVersion(expected: ExpectedVersion | undefined): ExpectedVersion {
  if (!expected) throw new AppError('precondition_required', 'send If-Match with the ETag you read, or "version" in the body', { field: 'If-Match' });
  return expected;
}

import { isUniqueViolation, type Trx } from '../db/database.js';
import { type ExpectedVersion, requireExpectedVersion, staleVersion } from '../shared/versioning.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { type CustomerFields, customerColumns, customerFieldsOf } from './customers.mapper.js';
import { updateCustomerRow } from './customers.repository.js';
import type { UpdateCustomerInput } from './customers.schemas.js';
import type { CustomerRow } from './customers.table.js';
import { duplicateEmail, normalizeCustomer } from './customer-input.js';
import { lockCustomerForChange } from './customer-lock.js';

/**
 * Edits a customer. The caller must say which version it read; a stale write is refused whole. A
 * PATCH that changes nothing writes nothing. Orders keep the addresses they were placed with.
 */
export async function updateCustomer(
  trx: Trx, id: number, input: UpdateCustomerInput, expected: ExpectedVersion | undefined, actor: Actor, now = Date.now(),
): Promise<CustomerRow> {
  const version = requireExpectedVersion(expected);
  const row = await lockCustomerForChange(trx, id, version);
  const current = customerFieldsOf(row);
  const { version: _read, ...given } = input;
  const merged: CustomerFields = { ...current };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) Object.assign(merged, { [key]: value });
  const next = normalizeCustomer(merged);

  // Compared as JSON because addresses are objects; normalised input is canonical, so equal means unchanged.
  const changes = (Object.keys(next) as (keyof CustomerFields)[]).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]));
  if (!changes.length) return row;
  let updated: CustomerRow | undefined;
  try {
    updated = await updateCustomerRow(trx, row.id, row.version, { ...customerColumns(next), updated_at: now });
  } catch (error) {
    if (isUniqueViolation(error) && next.email !== current.email) throw duplicateEmail(next.email);
    throw error;
  }
  if (!updated) throw staleVersion('customer', version, row.version + 1);
  await enqueueEvent(trx, 'customer.updated', { type: 'customer', id: String(row.id) }, { customerId: row.id, changes, by: actorLabel(actor) }, now);
  return updated;
}

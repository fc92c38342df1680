import { isUniqueViolation, type Trx } from '../db/database.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { customerColumns } from './customers.mapper.js';
import { insertCustomer } from './customers.repository.js';
import type { CreateCustomerInput } from './customers.schemas.js';
import type { CustomerRow } from './customers.table.js';
import { duplicateEmail, normalizeCustomer } from './customer-input.js';

/**
 * Adds a customer ahead of any order (order intake adds the rest itself, by email). Names left out
 * come from the billing address, as they do when an order creates the customer.
 */
export async function createCustomer(trx: Trx, input: CreateCustomerInput, actor: Actor, now = Date.now()): Promise<CustomerRow> {
  const fields = normalizeCustomer({
    email: input.email, firstName: input.firstName ?? input.billing?.firstName ?? '', lastName: input.lastName ?? input.billing?.lastName ?? '',
    company: input.company ?? null, phone: input.phone ?? null, billing: input.billing ?? null, shipping: input.shipping ?? null,
  });
  let row: CustomerRow;
  try {
    // No look-up first: the unique index is the only check that also holds between concurrent requests.
    row = await insertCustomer(trx, { ...customerColumns(fields), created_at: now, updated_at: now });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateEmail(fields.email);
    throw error;
  }
  await enqueueEvent(trx, 'customer.created', { type: 'customer', id: String(row.id) }, { customerId: row.id, by: actorLabel(actor) }, now);
  return row;
}

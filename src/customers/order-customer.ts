import type { Trx } from '../db/database.js';
import type { Address } from '../orders/order-input.js';
import { findCustomerIdByEmail, uncountCustomerOrder, upsertCustomer } from './customers.repository.js';

/** What an order says about its customer, normalised; a customer first seen on an order is made from it. */
export interface OrderCustomer {
  email: string;
  billing: Address;
  shipping: Address;
}

/**
 * Counts an order on the customer with its email, creating the customer on their first order; returns the
 * customer id. Its one statement is sent before any await, so order creation can batch it (db/statement-batch.ts).
 */
export function countOrderOnCustomer(trx: Trx, customer: OrderCustomer, now: number): Promise<number> {
  const { email, billing, shipping } = customer;
  return upsertCustomer(trx, {
    email, first_name: billing.firstName, last_name: billing.lastName, company: billing.company ?? null, phone: billing.phone ?? null,
    billing_json: JSON.stringify(billing), shipping_json: JSON.stringify(shipping), now,
  });
}

/**
 * An order's email changed: it now belongs to the customer with that email (found or created as order
 * intake does), and moves from the old customer's count to the new one's. Returns the new customer id.
 */
export async function moveOrderToCustomer(trx: Trx, fromId: number | null, to: OrderCustomer, now: number): Promise<number> {
  // Two customer rows are locked here. Taking them in id order keeps two edits moving orders in opposite
  // directions from deadlocking on PostgreSQL; a customer not yet created will get the highest id.
  const existing = await findCustomerIdByEmail(trx, to.email);
  const uncountFirst = fromId !== null && (existing === undefined || fromId < existing);
  if (uncountFirst) await uncountCustomerOrder(trx, fromId);
  const toId = await countOrderOnCustomer(trx, to, now);
  if (fromId !== null && !uncountFirst) await uncountCustomerOrder(trx, fromId);
  return toId;
}

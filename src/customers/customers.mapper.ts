import type { Address } from '../orders/order-input.js';
import { toIso } from '../shared/time.js';
import type { CustomerDto } from './customers.schemas.js';
import type { CustomerRow, CustomersTable } from './customers.table.js';

/** The editable part of a customer, in domain terms; what create and update both normalise. */
export interface CustomerFields {
  email: string;
  firstName: string;
  lastName: string;
  company: string | null;
  phone: string | null;
  billing: Address | null;
  shipping: Address | null;
}

const parseAddress = (json: string | null): Address | null => (json ? (JSON.parse(json) as Address) : null);

export function customerFieldsOf(row: CustomerRow): CustomerFields {
  return {
    email: row.email, firstName: row.first_name, lastName: row.last_name, company: row.company, phone: row.phone,
    billing: parseAddress(row.billing_json), shipping: parseAddress(row.shipping_json),
  };
}

export function customerColumns(f: CustomerFields): Pick<CustomersTable, 'email' | 'first_name' | 'last_name' | 'company' | 'phone' | 'billing_json' | 'shipping_json'> {
  return {
    email: f.email, first_name: f.firstName, last_name: f.lastName, company: f.company, phone: f.phone,
    billing_json: f.billing ? JSON.stringify(f.billing) : null, shipping_json: f.shipping ? JSON.stringify(f.shipping) : null,
  };
}

export function toCustomerDto(row: CustomerRow): CustomerDto {
  return {
    id: row.id, ...customerFieldsOf(row), orderCount: row.order_count, version: row.version,
    createdAt: toIso(row.created_at), updatedAt: toIso(row.updated_at),
  };
}

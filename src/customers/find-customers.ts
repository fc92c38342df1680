import type { Executor } from '../db/database.js';
import { normalizeEmail } from '../orders/order-input.js';
import { decodeListCursor, encodeListCursor } from '../shared/list-cursor.js';
import { toCustomerDto } from './customers.mapper.js';
import { findCustomers } from './customers.repository.js';
import type { CustomerDto, CustomerListQueryT, CustomerSort } from './customers.schemas.js';

const DEFAULT_LIMIT = 50;

/** One page of customers with the cursor of the next, or null on the last page. */
export async function listCustomers(db: Executor, query: CustomerListQueryT): Promise<{ items: CustomerDto[]; nextCursor: string | null }> {
  const sort = query.sort ?? 'id';
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = await findCustomers(db, {
    sort, limit, after: query.cursor ? decodeListCursor(query.cursor, sort, sort === 'email' ? 'string' : 'integer') : undefined,
    emailPrefix: query.emailPrefix ? normalizeEmail(query.emailPrefix) : undefined, name: query.name,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toCustomerDto),
    nextCursor: rows.length > limit && last ? encodeListCursor(sort, sort === 'email' ? last.email : last.id) : null,
  };
}

import type { Executor } from '../db/database.js';
import { normalizeEmail } from '../orders/order-input.js';
import { invalid } from '../shared/errors.js';
import { toCustomerDto } from './customers.mapper.js';
import { findCustomers } from './customers.repository.js';
import type { CustomerDto, CustomerListQueryT, CustomerSort } from './customers.schemas.js';

const DEFAULT_LIMIT = 50;

/** A cursor is the sort it belongs to plus the last key, so it cannot be replayed against another sort. */
export function encodeCustomerCursor(sort: CustomerSort, key: string | number): string {
  return Buffer.from(JSON.stringify([sort, key])).toString('base64url');
}

export function decodeCustomerCursor(cursor: string, sort: CustomerSort): string | number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const [cursorSort, key] = Array.isArray(parsed) ? parsed : [];
  const keyOk = sort === 'email' ? typeof key === 'string' : Number.isSafeInteger(key);
  if (cursorSort !== sort || !keyOk) throw invalid('querystring:/cursor', `the cursor is not one this list (sort=${sort}) handed out`);
  return key as string | number;
}

/** One page of customers with the cursor of the next, or null on the last page. */
export async function listCustomers(db: Executor, query: CustomerListQueryT): Promise<{ items: CustomerDto[]; nextCursor: string | null }> {
  const sort = query.sort ?? 'id';
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = await findCustomers(db, {
    sort, limit, after: query.cursor ? decodeCustomerCursor(query.cursor, sort) : undefined,
    emailPrefix: query.emailPrefix ? normalizeEmail(query.emailPrefix) : undefined, name: query.name,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toCustomerDto),
    nextCursor: rows.length > limit && last ? encodeCustomerCursor(sort, sort === 'email' ? last.email : last.id) : null,
  };
}

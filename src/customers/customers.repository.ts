import { sql } from 'kysely';
import { type Executor, isPostgres, type Trx } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import type { CustomerSort } from './customers.schemas.js';
import type { CustomerRow, CustomersTable } from './customers.table.js';

type NewCustomerRow = Omit<CustomersTable, 'id' | 'version' | 'order_count'>;
type CustomerPatch = Partial<Omit<CustomersTable, 'id' | 'version' | 'order_count' | 'created_at'>>;

export interface CustomerFilter {
  sort: CustomerSort;
  /** The sort key of the last row of the previous page. */
  after?: string | number | undefined;
  /** Already lowercased, like the stored emails. */
  emailPrefix?: string | undefined;
  name?: string | undefined;
  limit: number;
}

/** `%` and `_` in user text are literal, not wildcards. */
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function findCustomerById(db: Executor, id: number): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Reads the customer and, on PostgreSQL, locks the row so order intake cannot count an order on it meanwhile. */
export async function lockCustomerById(trx: Trx, id: number): Promise<CustomerRow | undefined> {
  const query = trx.selectFrom('customers').selectAll().where('id', '=', id);
  return (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
}

export async function insertCustomer(trx: Trx, row: NewCustomerRow): Promise<CustomerRow> {
  return trx.insertInto('customers').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates only if the row still has `version`; undefined when someone else got there first. */
export async function updateCustomerRow(trx: Trx, id: number, version: number, patch: CustomerPatch): Promise<CustomerRow | undefined> {
  return trx
    .updateTable('customers')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes only a customer without orders; false when an order was counted on it in the meantime. */
export async function deleteCustomerWithoutOrders(trx: Trx, id: number): Promise<boolean> {
  const result = await trx.deleteFrom('customers').where('id', '=', id).where('order_count', '=', 0).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * One keyset page (limit + 1 rows, so the caller knows whether another page exists). Both sort keys
 * are unique, so "after the last key" never skips or repeats a row.
 */
export async function findCustomers(db: Executor, f: CustomerFilter): Promise<CustomerRow[]> {
  let query = db.selectFrom('customers').selectAll();
  if (f.emailPrefix) {
    // The range bound lets the unique email index do the work; substr makes the match exact.
    query = query
      .where('email', '>=', f.emailPrefix)
      .where(sql<string>`substr(email, 1, ${sql.lit([...f.emailPrefix].length)})`, '=', f.emailPrefix);
  }
  if (f.name) {
    const pattern = `%${escapeLike(f.name.trim().toLowerCase())}%`;
    query = query.where(sql<boolean>`lower(first_name || ' ' || last_name) like ${pattern} escape '\\'`);
  }
  if (f.after !== undefined) query = f.sort === 'email' ? query.where('email', '>', String(f.after)) : query.where('id', '>', Number(f.after));
  return query.orderBy(f.sort).limit(f.limit + 1).execute();
}

export interface CustomerFromOrder {
  email: string; first_name: string; last_name: string; company: string | null; phone: string | null;
  billing_json: string; shipping_json: string; now: number;
}

const upsertFromOrderQuery = prepared((db, p: CustomerFromOrder) => db
  .insertInto('customers')
  .values({
    email: p.email, first_name: p.first_name, last_name: p.last_name, company: p.company, phone: p.phone,
    billing_json: p.billing_json, shipping_json: p.shipping_json, order_count: 1, created_at: p.now, updated_at: p.now,
  })
  .onConflict((oc) => oc.column('email').doUpdateSet((eb) => ({ order_count: eb('customers.order_count', '+', 1), updated_at: p.now })))
  .returning('id'));

/** A new order's customer: created on their first order, counted on every later one. Returns the customer id. */
export async function upsertCustomer(trx: Trx, customer: CustomerFromOrder): Promise<number> {
  return (await upsertFromOrderQuery(trx, customer)).rows[0]!.id;
}

/** Takes one order off a customer's count (the order was deleted, or now belongs to someone else). */
export async function uncountCustomerOrder(trx: Trx, id: number): Promise<void> {
  await trx.updateTable('customers').set((eb) => ({ order_count: eb('order_count', '-', 1) })).where('id', '=', id).execute();
}

/** Emails are stored lowercased, so the caller passes a normalised one. */
export async function findCustomerIdByEmail(db: Executor, email: string): Promise<number | undefined> {
  return (await db.selectFrom('customers').select('id').where('email', '=', email).executeTakeFirst())?.id;
}

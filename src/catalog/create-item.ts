import { sql } from 'kysely';
import { isPostgres, isUniqueViolation, type Trx } from '../db/database.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { itemColumns } from './catalog.mapper.js';
import { insertItem } from './catalog.repository.js';
import type { CreateItemInput } from './catalog.schemas.js';
import type { CatalogItemRow } from './catalog.table.js';
import { AppError } from '../shared/errors.js';
import { checkItemFields, duplicateSku } from './item-input.js';

/** Adds an item to the catalog and records `item.created` in the caller's transaction. */
export async function createItem(trx: Trx, input: CreateItemInput, actor: Actor, now = Date.now()): Promise<CatalogItemRow> {
  const fields = checkItemFields({
    description: input.description, price: input.price, currency: input.currency, weightGrams: input.weightGrams ?? 0,
    shippable: input.shippable ?? true, preorder: input.preorder ?? false, expectedDate: input.expectedDate ?? null,
    inventory: input.inventory ?? 0,
  });
  await refuseSkuDifferingInCase(trx, input.sku);
  let row: CatalogItemRow;
  try {
    // No look-up first: the unique index is the only check that also holds between concurrent requests.
    row = await insertItem(trx, { sku: input.sku, ...itemColumns(fields), created_at: now, updated_at: now });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateSku(input.sku);
    throw error;
  }
  await enqueueEvent(trx, 'item.created', { type: 'item', id: row.sku }, { sku: row.sku, by: actorLabel(actor) }, now);
  return row;
}

/**
 * SKUs are searched and matched by people without regard to case, so "TST-1" and "tst-1" would be two
 * items nobody can tell apart. Checked in code, not by a unique index on lower(sku): such an index would
 * fail to build on a database that already holds a pair, and those are left for the merchant to sort out.
 * On PostgreSQL two creates of one SKU in different case would both pass a plain look-up, so the SKU's
 * lower-case form is locked for the transaction first (an advisory lock: there is no row yet to lock);
 * SQLite runs one writer at a time. The exact-case duplicate stays the unique index's to refuse.
 */
async function refuseSkuDifferingInCase(trx: Trx, sku: string): Promise<void> {
  const key = sku.toLowerCase();
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(hashtext(${`catalog_items.sku:${key}`}))`.execute(trx);
  const other = await trx.selectFrom('catalog_items').select('sku')
    .where(sql<string>`lower(sku)`, '=', key).where('sku', '!=', sku).executeTakeFirst();
  if (other) throw new AppError('conflict', `an item with SKU "${other.sku}" already exists; SKUs differing only in case are one SKU`, { field: '/sku' });
}

import { isUniqueViolation, type Trx } from '../db/database.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { itemColumns } from './catalog.mapper.js';
import { insertItem } from './catalog.repository.js';
import type { CreateItemInput } from './catalog.schemas.js';
import type { CatalogItemRow } from './catalog.table.js';
import { checkItemFields, duplicateSku } from './item-input.js';

/** Adds an item to the catalog and records `item.created` in the caller's transaction. */
export async function createItem(trx: Trx, input: CreateItemInput, actor: Actor, now = Date.now()): Promise<CatalogItemRow> {
  const fields = checkItemFields({
    description: input.description, price: input.price, currency: input.currency, weightGrams: input.weightGrams ?? 0,
    shippable: input.shippable ?? true, preorder: input.preorder ?? false, expectedDate: input.expectedDate ?? null,
    inventory: input.inventory ?? 0,
  });
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

import type { Trx } from '../db/database.js';
import { type ExpectedVersion, requireExpectedVersion, staleVersion } from '../shared/versioning.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { insertPreorderRelease } from '../preorders/preorders.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { type ItemFields, itemColumns, itemFieldsOf } from './catalog.mapper.js';
import { updateItemRow } from './catalog.repository.js';
import type { UpdateItemInput } from './catalog.schemas.js';
import type { CatalogItemRow } from './catalog.table.js';
import { checkItemFields } from './item-input.js';
import { lockItemForChange } from './item-lock.js';

/**
 * Edits an item. The caller must say which version it read; a stale write is refused whole. A PATCH
 * that changes nothing writes nothing, so repeating it neither bumps the version nor emits an event.
 * Orders placed earlier keep their own copy of the item line and are not touched here: when a pre-order
 * item becomes available, the orders waiting on it are released after commit by the pre-order release
 * job (preorders/release-preorders.ts), which this transaction asks for — a SKU may be on thousands of
 * orders, too many for one request.
 */
export async function updateItem(
  trx: Trx, sku: string, input: UpdateItemInput, expected: ExpectedVersion | undefined, actor: Actor, now = Date.now(),
): Promise<CatalogItemRow> {
  const version = requireExpectedVersion(expected);
  const row = await lockItemForChange(trx, sku, version);
  const current = itemFieldsOf(row);
  const { version: _read, ...given } = input;
  const merged: ItemFields = { ...current };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) Object.assign(merged, { [key]: value });
  // Turning pre-order off drops the date unless the caller sent one (which checkItemFields then refuses).
  if (input.preorder === false && input.expectedDate === undefined) merged.expectedDate = null;
  const next = checkItemFields(merged);

  const changes = (Object.keys(next) as (keyof ItemFields)[]).filter((k) => next[k] !== current[k]);
  if (!changes.length) return row;
  const updated = await updateItemRow(trx, row.id, row.version, { ...itemColumns(next), updated_at: now });
  if (!updated) throw staleVersion('item', version, row.version + 1);
  await enqueueEvent(trx, 'item.updated', { type: 'item', id: row.sku }, { sku: row.sku, changes, by: actorLabel(actor) }, now);
  // Available means no longer a pre-order: what routing reads when an order is placed. Inventory is only
  // what is on hand (orders do not draw it down), so a restock alone changes nothing for orders.
  if (current.preorder && !next.preorder) await insertPreorderRelease(trx, row.sku, actorLabel(actor), now);
  return updated;
}

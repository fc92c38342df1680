import type { Trx } from '../db/database.js';
import type { ExpectedVersion } from '../shared/versioning.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { deleteItemRow } from './catalog.repository.js';
import { lockItemForChange } from './item-lock.js';

/**
 * Removes an item from the catalog. Orders copied the item's details into their own lines when they
 * were placed, so they are deliberately left alone. If-Match is honoured when sent, not required.
 */
export async function deleteItem(trx: Trx, sku: string, expected: ExpectedVersion | undefined, actor: Actor, now = Date.now()): Promise<void> {
  const row = await lockItemForChange(trx, sku, expected);
  await deleteItemRow(trx, row.id);
  await enqueueEvent(trx, 'item.deleted', { type: 'item', id: row.sku }, { sku: row.sku, version: row.version, by: actorLabel(actor) }, now);
}

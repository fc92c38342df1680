import type { Trx } from '../db/database.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { normalizeTerm } from '../search/search-terms.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { AppError } from '../shared/errors.js';
import { cleanTags, tagKey } from './order-input.js';
import { lockOrderForChange } from './order-lock.js';
import { staleVersion } from '../shared/versioning.js';
import type { Stage } from '../stages/stages.js';
import { insertOrderHistory, insertOrderNote, updateOrderRow } from './orders.repository.js';

/**
 * Appends a merchant note; notes are never edited, so no version is needed. `authorize` sees the order's
 * stage under the lock: who may note an order can depend on where it is (orders.routes.ts).
 */
export async function appendOrderNote(
  trx: Trx, orderNumber: string, body: string, actor: Actor, now = Date.now(), authorize?: (stage: Stage) => void,
): Promise<void> {
  const row = await lockOrderForChange(trx, orderNumber);
  authorize?.(row.stage as Stage);
  const who = actorLabel(actor);
  await insertOrderNote(trx, row.id, who, body.trim(), now);
  await insertOrderHistory(trx, { orderId: row.id, at: now, actor: who, kind: 'note', reason: body.trim().slice(0, 200) });
  await enqueueEvent(trx, 'order.note_added', { type: 'order', id: row.order_number }, { orderId: row.order_number }, now);
}

/** Adds and removes tags under the row lock, so two people tagging at once both keep their tags. */
export async function changeOrderTags(
  trx: Trx, orderNumber: string, change: { add?: string[]; remove?: string[] }, actor: Actor, now = Date.now(),
): Promise<string[]> {
  const row = await lockOrderForChange(trx, orderNumber);
  const before = JSON.parse(row.tags_json) as string[];
  const removing = new Set(cleanTags(change.remove).map(tagKey));
  // The tags already there come first, so a tag added again in another case keeps the case it has.
  const after = cleanTags([...before.filter((t) => !removing.has(tagKey(t))), ...cleanTags(change.add)]);
  if (after.length > 50) throw new AppError('validation_failed', 'an order holds at most 50 tags', { field: '/tags' });
  const beforeKeys = new Set(before.map(tagKey));
  const afterKeys = new Set(after.map(tagKey));
  const added = after.filter((t) => !beforeKeys.has(tagKey(t)));
  const removed = before.filter((t) => !afterKeys.has(tagKey(t)));
  if (!added.length && !removed.length) return after;
  if (!(await updateOrderRow(trx, row.id, row.version, { tags_json: JSON.stringify(after), updated_at: now }))) {
    throw staleVersion('order', { version: row.version, source: 'body' }, row.version + 1);
  }
  await trx.deleteFrom('order_search_terms').where('order_id', '=', row.id).where('kind', '=', 'tag').execute();
  const terms = [...new Set(after.map(normalizeTerm))];
  if (terms.length) {
    await trx.insertInto('order_search_terms').values(terms.map((term) => ({ term, kind: 'tag', created_at: row.created_at, order_id: row.id }))).execute();
  }
  const changes = [...added.map((t) => `+${t}`), ...removed.map((t) => `-${t}`)];
  await insertOrderHistory(trx, { orderId: row.id, at: now, actor: actorLabel(actor), kind: 'tags', changes });
  await enqueueEvent(trx, 'order.tags_changed', { type: 'order', id: row.order_number }, { orderId: row.order_number, added, removed }, now);
  return after;
}

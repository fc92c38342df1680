import { type Db, isPostgres, type Trx } from '../db/database.js';
import { transact } from '../db/transact.js';
import { type TermKind, termsForOrder } from './search-terms.js';

/*
 * Brings the stored search terms of existing orders up to the current rules (termsForOrder), for a
 * database written before they changed (hyphenated and elided words gained terms: "jones" of
 * "smith-jones", "obrien"; every order gained its email domain). Not a migration: migrations import nothing from the application, and a copy
 * of the term rules frozen in one would drift from the writer's. Run it once after upgrading; searches
 * keep working meanwhile (an order not yet refreshed is found exactly as before).
 *
 * Batches of orders by id, each in its own short transaction, writing only the difference: at a
 * million orders it reads every order and its terms once (~15 M index entries, in id order) but writes a
 * few rows per affected order, so it neither holds the writer long nor churns the term index. (The
 * email domain is one row for every order: a million inserts, but into a few thousand places of the
 * index, since customers share domains; see search-terms-upgrade.ts for what that costs.)
 */
export interface RefreshProgress {
  /** Orders read, terms added, terms removed, and the id to resume from (null when done). */
  orders: number;
  added: number;
  removed: number;
  nextId: number | null;
}

export async function refreshSearchTerms(
  db: Db, opts: { fromId?: number; batch?: number; signal?: AbortSignal; onBatch?: (p: RefreshProgress) => void | Promise<void> } = {},
): Promise<RefreshProgress> {
  const total: RefreshProgress = { orders: 0, added: 0, removed: 0, nextId: opts.fromId ?? 0 };
  while (total.nextId !== null && !opts.signal?.aborted) {
    const from = total.nextId;
    const step = await transact(db, (trx) => refreshBatch(trx, from, opts.batch ?? 500));
    total.orders += step.orders;
    total.added += step.added;
    total.removed += step.removed;
    total.nextId = step.nextId;
    await opts.onBatch?.({ ...total });
  }
  return total;
}

interface OrderTermSource {
  id: number; order_number: string; customer_email: string; billing_json: string; shipping_json: string;
  tags_json: string; custom_fields_json: string; created_at: number;
}

async function refreshBatch(trx: Trx, fromId: number, batch: number): Promise<RefreshProgress> {
  let query = trx.selectFrom('orders')
    .select(['id', 'order_number', 'customer_email', 'billing_json', 'shipping_json', 'tags_json', 'custom_fields_json', 'created_at'])
    .where('id', '>=', fromId).orderBy('id').limit(batch);
  // An edit committing between this read and the writes below would otherwise have its new terms undone.
  if (isPostgres(trx)) query = query.forShare();
  const orders = (await query.execute()) as OrderTermSource[];
  if (!orders.length) return { orders: 0, added: 0, removed: 0, nextId: null };
  const [first, last] = [orders[0]!.id, orders.at(-1)!.id];
  const [items, stored] = await Promise.all([
    trx.selectFrom('order_items').select(['order_id', 'sku']).where('order_id', '>=', first).where('order_id', '<=', last).orderBy('order_id').orderBy('line_no').execute(),
    trx.selectFrom('order_search_terms').select(['order_id', 'kind', 'term']).where('order_id', '>=', first).where('order_id', '<=', last).execute(),
  ]);
  const skus = new Map<number, string[]>();
  for (const i of items) skus.set(Number(i.order_id), [...(skus.get(Number(i.order_id)) ?? []), i.sku]);
  const key = (orderId: number, kind: string, term: string) => `${orderId}\u0000${kind}\u0000${term}`;
  const have = new Set(stored.map((t) => key(Number(t.order_id), t.kind, t.term)));
  const want = new Set<string>();
  const add: { term: string; kind: TermKind; created_at: number; order_id: number }[] = [];
  for (const o of orders) {
    const terms = termsForOrder({
      orderNumber: o.order_number, email: o.customer_email, addresses: [JSON.parse(o.billing_json), JSON.parse(o.shipping_json)],
      skus: skus.get(o.id) ?? [], tags: JSON.parse(o.tags_json), customFields: JSON.parse(o.custom_fields_json),
    });
    for (const t of terms) {
      const k = key(o.id, t.kind, t.term);
      want.add(k);
      if (!have.has(k)) add.push({ term: t.term, kind: t.kind, created_at: Number(o.created_at), order_id: o.id });
    }
  }
  const remove = stored.filter((t) => !want.has(key(Number(t.order_id), t.kind, t.term)));
  for (let i = 0; i < add.length; i += 500) await trx.insertInto('order_search_terms').values(add.slice(i, i + 500)).execute();
  for (const t of remove) {
    await trx.deleteFrom('order_search_terms').where('order_id', '=', t.order_id).where('kind', '=', t.kind).where('term', '=', t.term).execute();
  }
  return { orders: orders.length, added: add.length, removed: remove.length, nextId: last + 1 };
}


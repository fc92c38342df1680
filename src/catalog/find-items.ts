import type { Executor } from '../db/database.js';
import { decodeListCursor, encodeListCursor } from '../shared/list-cursor.js';
import { toCatalogItemDto } from './catalog.mapper.js';
import { findItems } from './catalog.repository.js';
import type { CatalogItemDto, ItemListQueryT, ItemSort } from './catalog.schemas.js';

const DEFAULT_LIMIT = 50;

/** One page of the catalog with the cursor of the next, or null on the last page. */
export async function listItems(db: Executor, query: ItemListQueryT): Promise<{ items: CatalogItemDto[]; nextCursor: string | null }> {
  const sort = query.sort ?? 'sku';
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = await findItems(db, {
    sort, limit, after: query.cursor ? decodeListCursor(query.cursor, sort, sort === 'sku' ? 'string' : 'integer') : undefined,
    skuPrefix: query.skuPrefix, text: query.q, preorder: query.preorder, shippable: query.shippable,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toCatalogItemDto),
    nextCursor: rows.length > limit && last ? encodeListCursor(sort, sort === 'sku' ? last.sku : last.id) : null,
  };
}

import type { Executor } from '../db/database.js';
import { invalid } from '../shared/errors.js';
import { toCatalogItemDto } from './catalog.mapper.js';
import { findItems } from './catalog.repository.js';
import type { CatalogItemDto, ItemListQueryT, ItemSort } from './catalog.schemas.js';

const DEFAULT_LIMIT = 50;

/** A cursor is the sort it belongs to plus the last key, so it cannot be replayed against another sort. */
export function encodeItemCursor(sort: ItemSort, key: string | number): string {
  return Buffer.from(JSON.stringify([sort, key])).toString('base64url');
}

export function decodeItemCursor(cursor: string, sort: ItemSort): string | number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const [cursorSort, key] = Array.isArray(parsed) ? parsed : [];
  const keyOk = sort === 'sku' ? typeof key === 'string' : Number.isSafeInteger(key);
  if (cursorSort !== sort || !keyOk) throw invalid('querystring:/cursor', `the cursor is not one this list (sort=${sort}) handed out`);
  return key as string | number;
}

/** One page of the catalog with the cursor of the next, or null on the last page. */
export async function listItems(db: Executor, query: ItemListQueryT): Promise<{ items: CatalogItemDto[]; nextCursor: string | null }> {
  const sort = query.sort ?? 'sku';
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = await findItems(db, {
    sort, limit, after: query.cursor ? decodeItemCursor(query.cursor, sort) : undefined,
    skuPrefix: query.skuPrefix, text: query.q, preorder: query.preorder, shippable: query.shippable,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toCatalogItemDto),
    nextCursor: rows.length > limit && last ? encodeItemCursor(sort, sort === 'sku' ? last.sku : last.id) : null,
  };
}

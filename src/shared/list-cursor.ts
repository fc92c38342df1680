import { invalid } from './errors.js';

/**
 * Cursor of a simple keyset list: the sort it belongs to plus the last key, so it cannot be replayed
 * against another sort. (Order search has its own signed cursor with composite keys.)
 */
export function encodeListCursor(sort: string, key: string | number): string {
  return Buffer.from(JSON.stringify([sort, key])).toString('base64url');
}

export function decodeListCursor(cursor: string, sort: string, keyKind: 'string' | 'integer'): string | number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const [cursorSort, key] = Array.isArray(parsed) ? parsed : [];
  const keyOk = keyKind === 'string' ? typeof key === 'string' : Number.isSafeInteger(key);
  if (cursorSort !== sort || !keyOk) throw invalid('querystring:/cursor', `the cursor is not one this list (sort=${sort}) handed out`);
  return key as string | number;
}

/**
 * A newest-first page over an integer id: `read` is asked for one row more than `limit` (the extra row
 * only says whether there is a next page) before the cursor's id, if any.
 */
export async function pageByIdDesc<R extends { id: number }, T>(
  query: { cursor?: string | undefined; limit?: number | undefined }, sort: string,
  read: (beforeId: number | undefined, limit: number) => Promise<R[]>, toDto: (row: R) => T,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  const beforeId = query.cursor === undefined ? undefined : (decodeListCursor(query.cursor, sort, 'integer') as number);
  const rows = await read(beforeId, limit + 1);
  const page = rows.slice(0, limit);
  return { items: page.map(toDto), nextCursor: rows.length > limit ? encodeListCursor(sort, page.at(-1)!.id) : null };
}

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

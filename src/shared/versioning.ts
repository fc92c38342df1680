import { AppError } from './errors.js';

/**
 * Optimistic concurrency for every editable record: the writer says which version it read, from
 * `If-Match` (a stale one is 412) or from the body (409). A stale write is refused whole, never merged.
 */
export interface ExpectedVersion {
  version: number;
  source: 'if-match' | 'body';
}

export function staleVersion(what: string, expected: ExpectedVersion, current: number): AppError {
  return new AppError(
    expected.source === 'if-match' ? 'precondition_failed' : 'version_conflict',
    `the ${what} was changed by someone else (you have version ${expected.version}, it is now ${current}); reload and try again`,
    { field: expected.source === 'if-match' ? 'If-Match' : '/version', details: { currentVersion: current } },
  );
}

/** An edit must say which version it is based on; `If-Match: *` does not (it holds for every version). */
export function requireExpectedVersion(expected: ExpectedVersion | undefined): ExpectedVersion {
  if (!expected) {
    throw new AppError('precondition_required', 'send If-Match with the ETag you read (If-Match: * names no version), or "version" in the body', { field: 'If-Match' });
  }
  return expected;
}

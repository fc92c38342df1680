import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';
import type { ExpectedVersion } from '../shared/versioning.js';

/** Strong ETag of a record version; `If-Match` must echo it. */
export const versionEtag = (version: number): string => `"v${version}"`;

/**
 * What an If-Match header asks (RFC 9110 §13.1.1): `any` for `*` (the record exists, whatever its
 * version), otherwise the versions named by its strong entity-tags. `weak` counts the weak tags, which
 * never match: If-Match compares strongly, and a weak tag promises only equivalent content, not this version.
 */
export type IfMatch = { any: true } | { any: false; versions: number[]; weak: number };

// One list element: an entity-tag (opaque-tag: DQUOTE *etagc DQUOTE) or nothing (empty elements are
// allowed in lists), with optional whitespace, then a comma or the end.
const LIST_ELEMENT = /[ \t]*(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*(?:,|$)/y;
const OUR_TAG = /^v(\d{1,15})$/;

const unparseable = () => new AppError('validation_failed',
  'If-Match must be * or a comma-separated list of ETags exactly as received, such as "v3"', { field: 'If-Match' });

export function parseIfMatch(header: string): IfMatch {
  const text = header.trim();
  if (text === '*') return { any: true };
  if (text === '') throw unparseable();
  const versions: number[] = [];
  let weak = 0;
  let tags = 0;
  for (let at = 0; at < text.length;) {
    LIST_ELEMENT.lastIndex = at;
    const m = LIST_ELEMENT.exec(text);
    if (!m) throw unparseable();
    at = LIST_ELEMENT.lastIndex;
    if (m[2] === undefined) continue;
    tags++;
    const ours = OUR_TAG.exec(m[2]);
    if (m[1]) weak++;
    else if (ours) versions.push(Number(ours[1]));
  }
  if (tags === 0) throw unparseable();
  return { any: false, versions, weak };
}

/**
 * The version the caller read, from `If-Match` and/or a `version` field in the body.
 * - `If-Match: *` names no version: only the body's `version`, if any, is checked (the lock's look-up
 *   already refuses a record that does not exist).
 * - A list matches if any entry does. Versions only grow, so of the versions a client has been sent for
 *   this record the highest is the only one that can still be current: checking it is checking the list.
 * - A list with no strong tag of ours can match nothing: 412 at once, saying why.
 * - Both given and disagreeing: one of them is stale, and which is the caller's intent is unknowable,
 *   so the request is refused whole (400 on /version) rather than one precondition silently ignored.
 */
export function expectedVersionOf(request: FastifyRequest, bodyVersion?: number): ExpectedVersion | undefined {
  const header = request.headers['if-match'];
  const fromBody: ExpectedVersion | undefined = bodyVersion === undefined ? undefined : { version: bodyVersion, source: 'body' };
  if (header === undefined) return fromBody;
  const ifMatch = parseIfMatch(header);
  if (ifMatch.any) return fromBody;
  if (ifMatch.versions.length === 0) {
    throw new AppError('precondition_failed', ifMatch.weak
      ? 'If-Match compares ETags strongly and a weak ETag (W/"…") never matches; send the ETag exactly as received, such as "v3"'
      : 'If-Match names no version of this record; its ETags look like "v3"', { field: 'If-Match' });
  }
  if (bodyVersion !== undefined) {
    if (!ifMatch.versions.includes(bodyVersion)) {
      throw new AppError('validation_failed',
        `version ${bodyVersion} in the body disagrees with If-Match ${header.trim()}; send the version you read once, or the same in both`,
        { field: '/version' });
    }
    return { version: bodyVersion, source: 'if-match' };
  }
  return { version: Math.max(...ifMatch.versions), source: 'if-match' };
}

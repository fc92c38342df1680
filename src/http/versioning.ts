import type { FastifyRequest } from 'fastify';
import type { ExpectedVersion } from '../shared/versioning.js';

/** Strong ETag of a record version; `If-Match` must echo it. */
export const versionEtag = (version: number): string => `"v${version}"`;

export function parseIfMatch(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const m = /^(?:W\/)?"v(\d+)"$/.exec(header.trim());
  return m ? Number(m[1]) : -1; // -1 never matches: a malformed If-Match must fail, not be ignored
}

/** The version the caller read: `If-Match` wins over a `version` field in the body. */
export function expectedVersionOf(request: FastifyRequest, bodyVersion?: number): ExpectedVersion | undefined {
  const fromHeader = parseIfMatch(request.headers['if-match']);
  if (fromHeader !== undefined) return { version: fromHeader, source: 'if-match' };
  return bodyVersion === undefined ? undefined : { version: bodyVersion, source: 'body' };
}

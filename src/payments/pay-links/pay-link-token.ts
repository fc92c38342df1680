import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * A pay link token is `<link id>.<random>.<signature>`:
 *  - random: 32 random bytes, base64url (43 characters) — what makes the link unguessable;
 *  - signature: HMAC-SHA-256 over `<link id>.<random>` (base64url, 43 characters) with a key derived by
 *    HKDF from the installation secret, so a made-up or altered link is refused before any database
 *    look-up (and a flood of guesses costs no query).
 * The database keeps only SHA-256 of the whole token, found by the link id and compared in constant time;
 * revocation, one-time use and expiry are decided there.
 */
const RANDOM_BYTES = 32;
const TOKEN_SHAPE = /^([1-9][0-9]{0,15})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

export interface PayLinkKey {
  readonly bytes: Buffer;
}

/** A key of its own for pay links, so nothing signed with the gateway secret can pass for a link, and back. */
export function derivePayLinkKey(installationSecret: string): PayLinkKey {
  return { bytes: Buffer.from(hkdfSync('sha256', installationSecret, Buffer.alloc(0), 'orderdeck pay-link signing v1', 32)) };
}

const sign = (key: PayLinkKey, payload: string): string => createHmac('sha256', key.bytes).update(payload).digest('base64url');

export const hashPayLinkToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function newPayLinkToken(key: PayLinkKey, linkId: number): string {
  const payload = `${linkId}.${randomBytes(RANDOM_BYTES).toString('base64url')}`;
  return `${payload}.${sign(key, payload)}`;
}

/** The link id of a well-formed token with a valid signature; undefined for anything else. */
export function verifyPayLinkToken(key: PayLinkKey, token: string): number | undefined {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return undefined;
  const expected = Buffer.from(sign(key, `${match[1]}.${match[2]}`));
  const given = Buffer.from(match[3]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return Number(match[1]);
}

export function sameTokenHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

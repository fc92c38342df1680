import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { containsCardNumber } from '../shared/card-number.js';
import type { VaultKey } from './vault-keys.js';

/** What is sealed: the number with the fields a charge needs, so expiry is authenticated too. */
export interface CardSecret {
  number: string;
  expMonth: number;
  expYear: number;
  holderName: string | null;
}

export interface SealedCard {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
}

/** A stored card that does not decrypt: altered ciphertext, tag, token or key id, or a key this installation lacks. */
export class CardDecryptionError extends Error {
  constructor(readonly token: string, reason: string) {
    super(`vault card ${token} cannot be decrypted: ${reason}`);
    this.name = 'CardDecryptionError';
  }
}

const ALGORITHM = 'aes-256-gcm';
/** 96-bit random IVs, the size GCM is specified for; a new one for every sealing, re-encryption included. */
const IV_BYTES = 12;

/**
 * AES-256-GCM with the token as additional authenticated data: a ciphertext copied onto another
 * row (another token) fails authentication instead of revealing the wrong card.
 */
export function sealCard(key: VaultKey, token: string, secret: CardSecret): SealedCard {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.bytes, iv);
  cipher.setAAD(Buffer.from(token, 'utf8'));
  const plaintext = Buffer.from(JSON.stringify({ v: 1, ...secret }), 'utf8');
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0); // the string copies cannot be wiped in JavaScript; this buffer at least can
  return { keyId: key.id, iv, ciphertext, authTag: cipher.getAuthTag() };
}

export function openCard(key: VaultKey, token: string, sealed: SealedCard): CardSecret {
  if (sealed.keyId !== key.id) throw new CardDecryptionError(token, `it was sealed with key ${sealed.keyId}, not ${key.id}`);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv(ALGORITHM, key.bytes, sealed.iv);
    decipher.setAAD(Buffer.from(token, 'utf8'));
    decipher.setAuthTag(sealed.authTag);
    plaintext = Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    // Node's message ("Unsupported state or unable to authenticate data") does not say what it means here.
    throw new CardDecryptionError(token, `authentication failed under key ${key.id}: the stored ciphertext, IV, tag or token were altered`);
  }
  const { v, ...secret } = JSON.parse(plaintext.toString('utf8')) as CardSecret & { v: number };
  plaintext.fill(0);
  if (v !== 1) throw new CardDecryptionError(token, `unknown payload version ${String(v)}`);
  return secret;
}

/**
 * The card's fingerprint: HMAC-SHA256 of the digits under the vault's fingerprint secret. The same
 * number always gives the same fingerprint, so fraud rules ("this card on five orders in an hour",
 * blocked cards) and "same card again" checks compare cards without decrypting anything. A plain hash
 * would not do: card numbers are few enough (known prefix, known last four, a check digit) to be
 * found from an unkeyed hash by trying them all; without the secret the HMAC gives nothing away.
 */
export function cardFingerprint(secret: Buffer, number: string): string {
  return createHmac('sha256', secret).update(number, 'utf8').digest('hex');
}

/**
 * `tok_` and 32 random base64url characters (192 bits). Redrawn in the astronomically unlikely case the
 * random part holds a Luhn-valid digit run, which the card-number check on every other route would refuse.
 */
export function newCardToken(): string {
  for (;;) {
    const token = `tok_${randomBytes(24).toString('base64url')}`;
    if (!containsCardNumber(token)) return token;
  }
}

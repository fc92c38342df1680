import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { containsCardNumber } from '../shared/card-number.js';
import { testCardNumber } from '../test-support/cards.js';
import { CardDecryptionError, cardFingerprint, newCardToken, openCard, type SealedCard, sealCard } from './card-cipher.js';
import { VaultKey } from './vault-keys.js';

const key = new VaultKey('k1', randomBytes(32));
const secret = { number: testCardNumber('4', 16), expMonth: 4, expYear: 2030, holderName: 'Ada Lovelace' };
const flip = (bytes: Buffer, at = 0): Buffer => {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

describe('card encryption (AES-256-GCM, token as associated data)', () => {
  it('round-trips, with a fresh IV every time and no clear number in the ciphertext', () => {
    const a = sealCard(key, 'tok_a', secret);
    const b = sealCard(key, 'tok_a', secret);
    expect(openCard(key, 'tok_a', a)).toEqual(secret);
    expect(a.keyId).toBe('k1');
    expect(a.iv).toHaveLength(12);
    expect(a.authTag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString('latin1')).not.toContain(secret.number);
  });

  it.each([
    ['a ciphertext byte', (s: SealedCard) => ({ ...s, ciphertext: flip(s.ciphertext, 5) })],
    ['the last ciphertext byte', (s: SealedCard) => ({ ...s, ciphertext: flip(s.ciphertext, s.ciphertext.length - 1) })],
    ['the tag', (s: SealedCard) => ({ ...s, authTag: flip(s.authTag) })],
    ['the IV', (s: SealedCard) => ({ ...s, iv: flip(s.iv) })],
    ['a truncated ciphertext', (s: SealedCard) => ({ ...s, ciphertext: s.ciphertext.subarray(1) })],
  ])('refuses %s altered, with an error saying so', (_name, tamper) => {
    const sealed = tamper(sealCard(key, 'tok_a', secret));
    expect(() => openCard(key, 'tok_a', sealed)).toThrow(CardDecryptionError);
    expect(() => openCard(key, 'tok_a', sealed)).toThrow(/vault card tok_a cannot be decrypted: authentication failed under key k1: the stored ciphertext, IV, tag or token were altered/);
  });

  it('refuses a ciphertext moved to another token, and a different key', () => {
    const sealed = sealCard(key, 'tok_a', secret);
    expect(() => openCard(key, 'tok_b', sealed)).toThrow(CardDecryptionError);
    expect(() => openCard(new VaultKey('k1', randomBytes(32)), 'tok_a', sealed)).toThrow(/authentication failed/);
    expect(() => openCard(new VaultKey('k2', randomBytes(32)), 'tok_a', sealed)).toThrow(/sealed with key k1, not k2/);
  });

  it('never puts the number in an error message', () => {
    const sealed = sealCard(key, 'tok_a', secret);
    const error = (() => {
      try {
        return openCard(key, 'tok_a', { ...sealed, ciphertext: flip(sealed.ciphertext) });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(CardDecryptionError);
    expect(`${(error as Error).stack} ${JSON.stringify(error)}`).not.toContain(secret.number);
  });
});

describe('fingerprints and tokens', () => {
  it('fingerprints equal numbers equally, and differently under another secret', () => {
    const s1 = randomBytes(32);
    const f = cardFingerprint(s1, secret.number);
    expect(f).toMatch(/^[0-9a-f]{64}$/);
    expect(cardFingerprint(s1, secret.number)).toBe(f);
    expect(cardFingerprint(s1, testCardNumber('4', 16, 1))).not.toBe(f);
    expect(cardFingerprint(randomBytes(32), secret.number)).not.toBe(f);
  });

  it('makes random tok_ tokens that never look like a card number', () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => newCardToken()));
    expect(tokens.size).toBe(2000);
    for (const token of tokens) {
      expect(token).toMatch(/^tok_[A-Za-z0-9_-]{32}$/);
      expect(containsCardNumber(token)).toBe(false);
    }
  });

  it('prints keys as their id only', () => {
    expect(JSON.stringify({ key })).toBe('{"key":"[vault key k1]"}');
    expect(inspect(key)).toBe('[vault key k1]');
    expect(inspect({ nested: [key] })).not.toMatch(/Buffer|bytes/);
  });
});

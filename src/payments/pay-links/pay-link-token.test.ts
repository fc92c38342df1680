import { describe, expect, it } from 'vitest';
import { derivePayLinkKey, hashPayLinkToken, newPayLinkToken, verifyPayLinkToken } from './pay-link-token.js';

describe('pay link tokens', () => {
  const key = derivePayLinkKey('installation secret one');

  it('carry the link id, signed', () => {
    const token = newPayLinkToken(key, 42);
    expect(token).toMatch(/^42\.[\w-]{43}\.[\w-]{43}$/);
    expect(verifyPayLinkToken(key, token)).toBe(42);
    expect(newPayLinkToken(key, 42)).not.toBe(token);
  });

  it('refuse another installation\'s, altered or malformed tokens', () => {
    const token = newPayLinkToken(key, 7);
    const [, random, signature] = token.split('.') as [string, string, string];
    expect(verifyPayLinkToken(derivePayLinkKey('installation secret two'), token)).toBeUndefined();
    expect(verifyPayLinkToken(key, `8.${random}.${signature}`)).toBeUndefined();
    expect(verifyPayLinkToken(key, `07.${random}.${signature}`)).toBeUndefined();
    expect(verifyPayLinkToken(key, `7.${random}.${signature.slice(0, -1)}`)).toBeUndefined();
    expect(verifyPayLinkToken(key, '')).toBeUndefined();
    expect(verifyPayLinkToken(key, `${token}.${signature}`)).toBeUndefined();
  });

  it('are stored as a hash only', () => {
    const token = newPayLinkToken(key, 1);
    expect(hashPayLinkToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashPayLinkToken(token)).not.toContain(token.split('.')[1]);
  });
});

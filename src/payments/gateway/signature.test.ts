import { describe, expect, it } from 'vitest';
import { signNotification, verifyNotificationSignature } from './signature.js';

describe('notification signatures', () => {
  const body = '{"id":"evt_x","type":"cleared"}';
  const now = Date.UTC(2026, 10, 26, 10);
  const t = now / 1000;

  it('accepts a fresh signature over the exact body', () => {
    expect(verifyNotificationSignature(signNotification('s3cret', body, t), body, 's3cret', { nowMs: now })).toEqual({ ok: true, timestamp: t });
  });

  it('refuses another secret, a changed body, a moved timestamp and stale or malformed headers', () => {
    const header = signNotification('s3cret', body, t);
    expect(verifyNotificationSignature(header, body, 'other', { nowMs: now }).ok).toBe(false);
    expect(verifyNotificationSignature(header, `${body} `, 's3cret', { nowMs: now }).ok).toBe(false);
    expect(verifyNotificationSignature(header.replace(`t=${t}`, `t=${t + 1}`), body, 's3cret', { nowMs: now }).ok).toBe(false);
    expect(verifyNotificationSignature(header, body, 's3cret', { nowMs: now + 301_000 })).toEqual({ ok: false, reason: 'signature timestamp outside the tolerance' });
    expect(verifyNotificationSignature(undefined, body, 's3cret').ok).toBe(false);
    expect(verifyNotificationSignature('v1=abc', body, 's3cret').ok).toBe(false);
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const header = `${signNotification('new', body, t)},${signNotification('old', body, t).split(',')[1]}`;
    expect(verifyNotificationSignature(header, body, 'old', { nowMs: now }).ok).toBe(true);
  });
});

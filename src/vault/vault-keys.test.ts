import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openVaultKeyring } from './open-keyring.js';
import { addKeyToFile, ensureKeyFile, keyFilePath, keyFileKeyring, readKeyFile, withKeyFileLock } from './vault-key-file.js';
import { derivedKeyId, environmentKeyring, parseVaultKeyList } from './vault-keys.js';

const b64 = () => randomBytes(32).toString('base64');
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-vault-keys-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('ORDERDECK_VAULT_KEY', () => {
  it('takes one bare key, with an id derived from it', () => {
    const raw = b64();
    const [key] = parseVaultKeyList(raw)!;
    expect(key!.bytes.equals(Buffer.from(raw, 'base64'))).toBe(true);
    expect(key!.id).toBe(derivedKeyId(Buffer.from(raw, 'base64')));
    expect(key!.id).toMatch(/^h[0-9a-f]{12}$/);
  });

  it('takes a list id:key,...; the first is current and the others still decrypt', () => {
    const [a, b, c] = [b64(), b64(), b64()];
    const keys = parseVaultKeyList(` new:${a}, old:${b} ,${c}`)!;
    expect(keys.map((k) => k.id)).toEqual(['new', 'old', derivedKeyId(Buffer.from(c, 'base64'))]);
    const ring = environmentKeyring(keys);
    expect(ring.current().id).toBe('new');
    expect(ring.find('old')?.bytes.equals(Buffer.from(b, 'base64'))).toBe(true);
    expect(ring.find('missing')).toBeUndefined();
  });

  it('keeps the fingerprint secret when a key is put in front (it comes from the oldest, or the explicit root)', () => {
    const [older, newer] = parseVaultKeyList(`a:${b64()},b:${b64()}`)!.reverse();
    const before = environmentKeyring([older!]).fingerprintSecret();
    expect(environmentKeyring([newer!, older!]).fingerprintSecret().equals(before)).toBe(true);
    expect(before.equals(older!.bytes)).toBe(false); // derived, never the encryption key itself
    const root = randomBytes(32);
    expect(environmentKeyring([newer!], root).fingerprintSecret().equals(environmentKeyring([older!], root).fingerprintSecret())).toBe(true);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64'), /entry 1 must be 32 random bytes/],
    ['not base64', 'not*base64', /entry 1 must be 32 random bytes/],
    ['a bad id', `bad id:${b64()}`, /entry 1: a key id is/],
    ['a repeated id', `k:${b64()},k:${b64()}`, /entry 2: key id "k" appears twice/],
    ['an empty entry', `${b64()},`, /entry 2 must be/],
  ])('refuses %s, without echoing the value', (_name, raw, message) => {
    expect(() => parseVaultKeyList(raw)).toThrow(message);
    try {
      parseVaultKeyList(raw);
    } catch (error) {
      expect((error as Error).message).not.toContain(raw.split(':').pop()!.split(',')[0]!);
    }
  });

  it('is read by loadConfig, together with ORDERDECK_VAULT_FINGERPRINT_KEY, and printed as ids only', () => {
    const config = loadConfig({ ORDERDECK_VAULT_KEY: `k9:${b64()}`, ORDERDECK_VAULT_FINGERPRINT_KEY: b64() });
    expect(config.vaultKeys?.map((k) => k.id)).toEqual(['k9']);
    expect(JSON.stringify(config)).toContain('"vaultKeys":["[vault key k9]"],"vaultFingerprintKey":"[vault key fingerprint]"');
    expect(openVaultKeyring(config).source).toBe('environment');
    expect(() => loadConfig({ ORDERDECK_VAULT_FINGERPRINT_KEY: 'short' })).toThrow(/ORDERDECK_VAULT_FINGERPRINT_KEY must be 32 random bytes/);
    expect(loadConfig({}).vaultKeys).toBeUndefined();
  });
});

describe('the key file', () => {
  it('is made on first use only, with mode 0600, and read back the same', () => {
    const dir = path.join(tempDir(), 'data'); // not there yet either
    const ring = openVaultKeyring({ dataDir: dir, vaultKeys: undefined, vaultFingerprintKey: undefined });
    expect(ring.source).toBe('key file');
    expect(fs.existsSync(keyFilePath(dir))).toBe(false);
    const current = ring.current();
    expect(current.id).toBe('k1');
    const stat = fs.statSync(keyFilePath(dir));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['vault-keys.json']); // no temporary file left behind
    const again = keyFileKeyring(dir);
    expect(again.current().bytes.equals(current.bytes)).toBe(true);
    expect(again.fingerprintSecret().equals(ring.fingerprintSecret())).toBe(true);
  });

  it('is made once when several processes start together', () => {
    const dir = tempDir();
    const rings = Array.from({ length: 5 }, () => keyFileKeyring(dir));
    const keys = rings.map((r) => r.current());
    expect(new Set(keys.map((k) => k.bytes.toString('base64'))).size).toBe(1);
  });

  it('refuses a file other users can read', () => {
    const dir = tempDir();
    ensureKeyFile(keyFilePath(dir));
    fs.chmodSync(keyFilePath(dir), 0o644);
    expect(() => keyFileKeyring(dir).current()).toThrow(/accessible to other users \(mode 644\); run "chmod 600/);
  });

  it('gains a new current key on rotation, keeps the old ones and the fingerprint root; running keyrings see it', () => {
    const dir = tempDir();
    const file = keyFilePath(dir);
    const ring = keyFileKeyring(dir);
    const first = ring.current();
    const fingerprint = ring.fingerprintSecret();
    const added = addKeyToFile(file);
    expect(added.id).toBe('k2');
    expect(ring.current().id).toBe('k2'); // the same keyring object, reloaded
    expect(ring.find('k1')?.bytes.equals(first.bytes)).toBe(true);
    expect(ring.fingerprintSecret().equals(fingerprint)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readKeyFile(file)!.keys.map((k) => k.id)).toEqual(['k1', 'k2']);
  });

  it('lets one rotation at a time hold the lock', async () => {
    const file = keyFilePath(tempDir());
    await withKeyFileLock(file, async () => {
      await expect(withKeyFileLock(file, async () => 1)).rejects.toThrow(/another key rotation holds .*vault-keys\.json\.lock/);
    });
    expect(await withKeyFileLock(file, async () => 2)).toBe(2); // released afterwards
  });
});

import { createHash, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * An AES-256 key of the vault with its id. The bytes are kept in a private field and the object
 * prints as its id only, so a key can never reach a log line or an error report by accident.
 */
export class VaultKey {
  readonly #bytes: Buffer;

  constructor(readonly id: string, bytes: Buffer) {
    if (bytes.length !== 32) throw new Error(`vault key ${id} must be 32 bytes`);
    this.#bytes = bytes;
  }

  get bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): string {
    return `[vault key ${this.id}]`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

/** Where the vault's keys come from, and which one seals new cards. */
export interface VaultKeyring {
  readonly source: 'environment' | 'key file';
  /** The key new cards (and re-encrypted ones) are sealed with. */
  current(): VaultKey;
  /** Any key a stored card may name; undefined when this installation does not have it. */
  find(id: string): VaultKey | undefined;
  /** The HMAC secret of card fingerprints; never the same bytes as an encryption key. */
  fingerprintSecret(): Buffer;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,40}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes one base64 key; the message names the variable and position, never the value. */
export function decodeKey(text: string, where: string): Buffer {
  const bytes = BASE64.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (bytes.length !== 32) throw new Error(`${where} must be 32 random bytes in base64 (e.g. the output of "openssl rand -base64 32")`);
  return bytes;
}

/**
 * A key given without an id gets one derived from it, so a bare key keeps the same id when the
 * variable later becomes a list ("newkey,oldkey"). 48 bits of a hash of a 256-bit random key say
 * nothing usable about the key.
 */
export const derivedKeyId = (bytes: Buffer): string =>
  `h${createHash('sha256').update('orderdeck vault key id\0').update(bytes).digest('hex').slice(0, 12)}`;

/**
 * Parses ORDERDECK_VAULT_KEY: `key` or `id:key,id:key,...`, the first being current. Base64 has no
 * ":" or ",", so both separators are unambiguous.
 */
export function parseVaultKeyList(raw: string | undefined, name = 'ORDERDECK_VAULT_KEY'): VaultKey[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const keys: VaultKey[] = [];
  raw.split(',').forEach((entry, i) => {
    const where = `${name} entry ${i + 1}`;
    const text = entry.trim();
    const colon = text.indexOf(':');
    const id = colon >= 0 ? text.slice(0, colon) : undefined;
    if (id !== undefined && !KEY_ID.test(id)) throw new Error(`${where}: a key id is 1–40 letters, digits, "_", "." or "-"`);
    const bytes = decodeKey(text.slice(colon + 1), where);
    const key = new VaultKey(id ?? derivedKeyId(bytes), bytes);
    if (keys.some((k) => k.id === key.id)) throw new Error(`${where}: key id "${key.id}" appears twice`);
    keys.push(key);
  });
  return keys;
}

/**
 * Fingerprints must stay comparable for as long as cards are kept, so their secret does not follow
 * the current encryption key: it is derived (HKDF, its own label) from a root that rotation never
 * changes. Deriving keeps it distinct from every encryption key even when the root is one of them.
 */
export function deriveFingerprintSecret(root: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', root, 'orderdeck-vault', 'card fingerprint v1', 32));
}

/**
 * Keys from the environment. The fingerprint root is ORDERDECK_VAULT_FINGERPRINT_KEY when set, else
 * the last (oldest) listed key: rotation adds keys at the front, so the root stays put until that
 * oldest key is retired, which is why retiring it calls for the explicit variable.
 */
export function environmentKeyring(keys: VaultKey[], fingerprintRoot?: Buffer): VaultKeyring {
  if (keys.length === 0) throw new Error('the vault needs at least one key');
  const secret = deriveFingerprintSecret(fingerprintRoot ?? keys[keys.length - 1]!.bytes);
  return {
    source: 'environment',
    current: () => keys[0]!,
    find: (id) => keys.find((k) => k.id === id),
    fingerprintSecret: () => secret,
  };
}

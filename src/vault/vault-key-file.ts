import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { decodeKey, deriveFingerprintSecret, VaultKey, type VaultKeyring } from './vault-keys.js';

/**
 * The key file used when ORDERDECK_VAULT_KEY is not set: `vault-keys.json` in the data directory,
 * mode 0600, made on first use. It keeps every key it ever had (a card sealed with a key must stay
 * readable until rotation has moved it) plus a fingerprint root of its own that rotation never changes.
 *
 * Several processes on one machine share it; processes on other machines do not see it, so a
 * PostgreSQL installation spread over hosts must use ORDERDECK_VAULT_KEY instead.
 */
export const KEY_FILE_NAME = 'vault-keys.json';

interface KeyFileJson {
  format: 1;
  current: string;
  fingerprintRoot: string;
  keys: { id: string; key: string; createdAt: string }[];
}

export interface KeyFileContents {
  current: VaultKey;
  keys: VaultKey[];
  fingerprintRoot: Buffer;
}

export const keyFilePath = (dataDir: string): string => path.join(dataDir, KEY_FILE_NAME);

function parseKeyFile(file: string, text: string): KeyFileContents {
  let json: KeyFileJson;
  try {
    json = JSON.parse(text) as KeyFileJson;
  } catch {
    throw new Error(`vault key file ${file} is not valid JSON`);
  }
  if (json.format !== 1 || !Array.isArray(json.keys)) throw new Error(`vault key file ${file} has an unknown format`);
  const keys = json.keys.map((k, i) => new VaultKey(String(k.id), decodeKey(String(k.key), `${file} key ${i + 1}`)));
  const current = keys.find((k) => k.id === json.current);
  if (!current) throw new Error(`vault key file ${file} names current key "${json.current}", which it does not hold`);
  return { current, keys, fingerprintRoot: decodeKey(String(json.fingerprintRoot), `${file} fingerprintRoot`) };
}

/** Refuses a key file others can read, as ssh does with private keys: the keys are the vault. */
function checkMode(file: string, stat: fs.Stats): void {
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new Error(`vault key file ${file} is accessible to other users (mode ${(stat.mode & 0o777).toString(8)}); run "chmod 600 ${file}"`);
  }
}

export function readKeyFile(file: string): KeyFileContents | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    checkMode(file, fs.fstatSync(fd));
    return parseKeyFile(file, fs.readFileSync(fd, 'utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

function serialize(current: string, keys: { id: string; bytes: Buffer; createdAt: string }[], fingerprintRoot: Buffer): string {
  const json: KeyFileJson = {
    format: 1, current, fingerprintRoot: fingerprintRoot.toString('base64'),
    keys: keys.map((k) => ({ id: k.id, key: k.bytes.toString('base64'), createdAt: k.createdAt })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Writes a temporary file with mode 0600 from the start (never briefly world-readable) and syncs it. */
function writeTemp(file: string, text: string): string {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return temp;
}

/**
 * Makes the key file unless it exists. link() fails when the name is taken, so two processes starting
 * together both end up with the one file that won, never with two different keys.
 */
export function ensureKeyFile(file: string): KeyFileContents {
  const existing = readKeyFile(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = writeTemp(file, serialize('k1', [{ id: 'k1', bytes: randomBytes(32), createdAt: new Date().toISOString() }], randomBytes(32)));
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.unlinkSync(temp);
  }
  return readKeyFile(file)!;
}

/**
 * Adds a new key and makes it current, replacing the file atomically (rename), so a reader sees the
 * old file or the new one. Callers hold the rotation lock: two read-modify-writes at once could each
 * drop the other's key, and cards sealed with a dropped key would be lost.
 */
export function addKeyToFile(file: string): VaultKey {
  const before = ensureKeyFile(file);
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFileJson;
  const next = 1 + Math.max(0, ...before.keys.map((k) => Number(/^k(\d+)$/.exec(k.id)?.[1] ?? 0)));
  const id = `k${next}`;
  const keys = [
    ...before.keys.map((k) => ({ id: k.id, bytes: k.bytes, createdAt: raw.keys.find((r) => r.id === k.id)?.createdAt ?? '' })),
    { id, bytes: randomBytes(32), createdAt: new Date().toISOString() },
  ];
  fs.renameSync(writeTemp(file, serialize(id, keys, before.fingerprintRoot)), file);
  return readKeyFile(file)!.current;
}

/** An exclusive lock file beside the key file for the length of a rotation. */
export async function withKeyFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new Error(`another key rotation holds ${lock}; if none is running (it was killed), delete that file and run again`);
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/**
 * Keys from the key file, read on first use (making the file if needed). A rotation run elsewhere
 * replaces the file: each use compares the file's identity (inode, size, mtime; one stat call) and
 * reloads when it changed, so running servers seal with the new key and read re-sealed cards at once.
 */
export function keyFileKeyring(dataDir: string): VaultKeyring {
  const file = keyFilePath(dataDir);
  let loaded: { contents: KeyFileContents; identity: string; fingerprint: Buffer } | undefined;
  const identityOf = (stat: fs.Stats) => `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  const load = (): KeyFileContents => {
    let identity: string | undefined;
    try {
      identity = identityOf(fs.statSync(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (!loaded || identity !== loaded.identity) {
      const contents = ensureKeyFile(file);
      loaded = { contents, identity: identityOf(fs.statSync(file)), fingerprint: deriveFingerprintSecret(contents.fingerprintRoot) };
    }
    return loaded.contents;
  };
  return {
    source: 'key file',
    // Sealing must use the newest current key, or a card sealed during a rotation could be missed by it.
    current: () => load().current,
    // A key never changes under its id, so one already loaded needs no stat; only an unknown id
    // (a card sealed under a key made elsewhere since) looks at the file.
    find: (id) => loaded?.contents.keys.find((k) => k.id === id) ?? load().keys.find((k) => k.id === id),
    // The fingerprint root never changes once made (rotations carry it over).
    fingerprintSecret: () => (loaded ?? (load(), loaded!)).fingerprint,
  };
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { transact } from '../db/transact.js';
import { testCardNumber } from '../test-support/cards.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { CardDecryptionError } from './card-cipher.js';
import { revealCard } from './reveal-card.js';
import { reencryptCards, rotateVaultKey } from './rotate-vault-key.js';
import { storeCard } from './store-card.js';
import { keyFileKeyring } from './vault-key-file.js';
import { environmentKeyring, VaultKey, type VaultKeyring } from './vault-keys.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const year = new Date().getUTCFullYear() + 2;

async function storeCards(db: Db, keys: VaultKeyring, count: number): Promise<Map<string, string>> {
  const numbers = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const number = testCardNumber(['4', '51', '6011', '3528'][i % 4]!, 16, i);
    const { token } = await transact(db, (trx) => storeCard(trx, keys, { number, expMonth: 1 + (i % 12), expYear: year }));
    numbers.set(token, number);
  }
  return numbers;
}

async function expectAllReadable(db: Db, keys: VaultKeyring, numbers: Map<string, string>) {
  for (const [token, number] of numbers) expect((await revealCard(db, keys, token)).number).toBe(number);
}

const keyIdsOf = async (db: Db) =>
  (await db.selectFrom('vault_cards').select(['key_id']).orderBy('token').execute()).map((r) => r.key_id);
const sealedBytes = async (db: Db) =>
  (await db.selectFrom('vault_cards').select(['token', 'ciphertext']).orderBy('token').execute()).map((r) => `${r.token}:${Buffer.from(r.ciphertext).toString('hex')}`);

describeEachDatabase('vault key rotation', (getDb) => {
  beforeEach(async () => {
    await getDb().db.deleteFrom('vault_cards').execute();
  });

  it('with the key file: a new key, every card moved in batches, readable before and after; a re-run moves nothing', async () => {
    const db = getDb().db;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-rotate-'));
    dirs.push(dataDir);
    const config = { dataDir, vaultKeys: undefined, vaultFingerprintKey: undefined };
    const keys = keyFileKeyring(dataDir); // a running server's view of the file
    const numbers = await storeCards(db, keys, 7);
    await expectAllReadable(db, keys, numbers);
    const fingerprints = await db.selectFrom('vault_cards').select(['token', 'fingerprint']).orderBy('token').execute();

    const progress: number[] = [];
    const first = await rotateVaultKey(db, config, { batchSize: 3, onProgress: (n) => progress.push(n) });
    expect(first).toEqual({ currentKeyId: 'k2', keyCreated: true, reencrypted: 7, source: 'key file' });
    expect(progress).toEqual([3, 6, 7]);
    expect(new Set(await keyIdsOf(db))).toEqual(new Set(['k2']));
    await expectAllReadable(db, keys, numbers); // the server's keyring picked up k2 on its own
    expect(await db.selectFrom('vault_cards').select(['token', 'fingerprint']).orderBy('token').execute()).toEqual(fingerprints);

    const before = await sealedBytes(db);
    expect(await reencryptCards(db, keys, { batchSize: 3 })).toEqual({ reencrypted: 0, currentKeyId: 'k2' });
    expect(await sealedBytes(db)).toEqual(before);

    const fresh = await storeCards(db, keys, 1);
    expect((await db.selectFrom('vault_cards').select('key_id').where('token', '=', [...fresh.keys()][0]!).executeTakeFirstOrThrow()).key_id).toBe('k2');
  });

  it('with the key file: a run killed half-way leaves every card readable, and the next run finishes it without a new key', async () => {
    const db = getDb().db;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-rotate-'));
    dirs.push(dataDir);
    const config = { dataDir, vaultKeys: undefined, vaultFingerprintKey: undefined };
    const keys = keyFileKeyring(dataDir);
    const numbers = await storeCards(db, keys, 8);

    const killed = await rotateVaultKey(db, config, { batchSize: 3, maxBatches: 1 });
    expect(killed).toMatchObject({ currentKeyId: 'k2', keyCreated: true, reencrypted: 3 });
    const mixed = await keyIdsOf(db);
    expect(mixed.filter((id) => id === 'k1')).toHaveLength(5);
    await expectAllReadable(db, keys, numbers); // the old key still opens the cards not moved yet
    const movedBefore = (await sealedBytes(db)).filter((_, i) => mixed[i] === 'k2');

    const resumed = await rotateVaultKey(db, config, { batchSize: 3 });
    expect(resumed).toEqual({ currentKeyId: 'k2', keyCreated: false, reencrypted: 5, source: 'key file' });
    expect(new Set(await keyIdsOf(db))).toEqual(new Set(['k2']));
    // The cards already on k2 were skipped, not sealed again.
    expect((await sealedBytes(db)).filter((_, i) => mixed[i] === 'k2')).toEqual(movedBefore);
    await expectAllReadable(db, keys, numbers);

    const next = await rotateVaultKey(db, config, { batchSize: 100 });
    expect(next).toMatchObject({ currentKeyId: 'k3', keyCreated: true, reencrypted: 8 });
    await expectAllReadable(db, keys, numbers);
  });

  it('with ORDERDECK_VAULT_KEY: the operator puts a new key first; old cards stay readable, then the command moves them', async () => {
    const db = getDb().db;
    const oldKey = new VaultKey('old', randomBytes(32));
    const newKey = new VaultKey('new', randomBytes(32));
    const before = environmentKeyring([oldKey]);
    const numbers = await storeCards(db, before, 5);
    const after = environmentKeyring([newKey, oldKey]);
    expect(after.fingerprintSecret().equals(before.fingerprintSecret())).toBe(true);
    await expectAllReadable(db, after, numbers);

    const result = await rotateVaultKey(db, { dataDir: '/nonexistent', vaultKeys: [newKey, oldKey], vaultFingerprintKey: undefined }, { batchSize: 2 });
    expect(result).toEqual({ currentKeyId: 'new', keyCreated: false, reencrypted: 5, source: 'environment' });
    await expectAllReadable(db, environmentKeyring([newKey]), numbers); // the old key may now be retired…
    await expect(revealCard(db, before, [...numbers.keys()][0]!)).rejects.toBeInstanceOf(CardDecryptionError); // …and alone it reads nothing
    expect((await rotateVaultKey(db, { dataDir: '/nonexistent', vaultKeys: [newKey, oldKey], vaultFingerprintKey: undefined })).reencrypted).toBe(0);
  });

  it('stops at a tampered card instead of re-sealing it, and at a card whose key is missing', async () => {
    const db = getDb().db;
    const oldKey = new VaultKey('old', randomBytes(32));
    const numbers = await storeCards(db, environmentKeyring([oldKey]), 2);
    const token = [...numbers.keys()].sort()[1]!;
    const row = await db.selectFrom('vault_cards').select('auth_tag').where('token', '=', token).executeTakeFirstOrThrow();
    const tag = Buffer.from(row.auth_tag);
    tag[0] = tag[0]! ^ 1;
    await db.updateTable('vault_cards').set({ auth_tag: tag }).where('token', '=', token).execute();

    const rotated = environmentKeyring([new VaultKey('new', randomBytes(32)), oldKey]);
    await expect(reencryptCards(db, rotated)).rejects.toThrow(`vault card ${token} cannot be decrypted`);
    expect(new Set(await keyIdsOf(db))).toEqual(new Set(['old'])); // the batch rolled back whole
    await expect(reencryptCards(db, environmentKeyring([new VaultKey('new', randomBytes(32))]))).rejects.toThrow(/sealed with key old, which this installation does not have/);
  });
});

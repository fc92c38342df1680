import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { transact } from '../db/transact.js';
import { openCard, sealCard } from './card-cipher.js';
import { openVaultKeyring } from './open-keyring.js';
import { findCardsSealedWith, keyIdsInUse, resealVaultCard, sealedOf } from './vault.repository.js';
import { addKeyToFile, keyFilePath, readKeyFile, withKeyFileLock } from './vault-key-file.js';
import type { VaultKeyring } from './vault-keys.js';

export interface ReencryptOptions {
  batchSize?: number;
  /** Stop after this many batches (tests use it to stand for a run killed half-way). */
  maxBatches?: number;
  onProgress?: (reencrypted: number) => void;
}

/**
 * Moves every card not sealed with the current key onto it, a batch per transaction, walking the
 * (key_id, token) index one old key at a time. Each row is re-sealed only if it still names the old key,
 * so a run killed half-way, or two runs at once, leave every card readable; a re-run finds only the
 * cards still left behind (none, once done) and skips the rest without reading them.
 */
export async function reencryptCards(db: Db, keys: VaultKeyring, opts: ReencryptOptions = {}): Promise<{ reencrypted: number; currentKeyId: string }> {
  const batchSize = opts.batchSize ?? 500;
  const current = keys.current();
  let reencrypted = 0;
  let batches = 0;
  for (const oldId of (await keyIdsInUse(db)).filter((id) => id !== current.id)) {
    const oldKey = keys.find(oldId);
    if (!oldKey) throw new Error(`cards are sealed with key ${oldId}, which this installation does not have (${keys.source}); restore it before rotating`);
    let after = '';
    for (;;) {
      if (opts.maxBatches !== undefined && batches >= opts.maxBatches) return { reencrypted, currentKeyId: current.id };
      const done = await transact(db, async (trx) => {
        const rows = await findCardsSealedWith(trx, oldId, after, batchSize);
        let moved = 0;
        for (const row of rows) {
          // Authenticate under the old key before re-sealing: a tampered row must fail loudly, not be laundered.
          const secret = openCard(oldKey, row.token, sealedOf(row));
          if (await resealVaultCard(trx, row.token, oldId, sealCard(current, row.token, secret))) moved += 1;
        }
        return { moved, last: rows.at(-1)?.token, full: rows.length === batchSize };
      });
      batches += 1;
      reencrypted += done.moved;
      opts.onProgress?.(reencrypted);
      if (!done.full || !done.last) break;
      after = done.last;
    }
  }
  return { reencrypted, currentKeyId: current.id };
}

export interface RotationResult {
  /** The key every card is sealed with afterwards. */
  currentKeyId: string;
  /** True when this run made that key; false when it finished a rotation already under way. */
  keyCreated: boolean;
  reencrypted: number;
  source: VaultKeyring['source'];
}

/**
 * `orderdeck vault rotate-key`. With the key file: when every card is already on the current key a new
 * key is made current; when some are not (an earlier run was interrupted, or servers sealed cards with
 * the old key before they saw the new one) the run finishes that rotation instead of starting another,
 * so re-running after a crash skips what is done. The whole run holds a lock file, so two rotations
 * never race on the key file. With ORDERDECK_VAULT_KEY the command cannot change the environment of
 * running servers: the operator puts the new key first in the list, restarts, and this re-encrypts.
 */
export async function rotateVaultKey(db: Db, config: Pick<Config, 'vaultKeys' | 'vaultFingerprintKey' | 'dataDir'>, opts: ReencryptOptions = {}): Promise<RotationResult> {
  const keys = openVaultKeyring(config);
  if (keys.source === 'environment') {
    const { reencrypted, currentKeyId } = await reencryptCards(db, keys, opts);
    return { currentKeyId, keyCreated: false, reencrypted, source: keys.source };
  }
  const file = keyFilePath(config.dataDir);
  return withKeyFileLock(file, async () => {
    const existed = readKeyFile(file) !== undefined;
    const current = keys.current(); // makes the file (its first key) when there was none
    const behind = (await keyIdsInUse(db)).some((id) => id !== current.id);
    const keyCreated = !existed || !behind;
    if (existed && !behind) addKeyToFile(file);
    const { reencrypted, currentKeyId } = await reencryptCards(db, keys, opts);
    return { currentKeyId, keyCreated, reencrypted, source: keys.source };
  });
}

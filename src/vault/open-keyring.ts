import type { Config } from '../config.js';
import { keyFileKeyring } from './vault-key-file.js';
import { environmentKeyring, type VaultKeyring } from './vault-keys.js';

/** The vault keys this installation uses: ORDERDECK_VAULT_KEY when set, else the data directory's key file. */
export function openVaultKeyring(config: Pick<Config, 'vaultKeys' | 'vaultFingerprintKey' | 'dataDir'>): VaultKeyring {
  if (config.vaultKeys) return environmentKeyring(config.vaultKeys, config.vaultFingerprintKey?.bytes);
  return keyFileKeyring(config.dataDir);
}

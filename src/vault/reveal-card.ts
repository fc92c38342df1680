import type { Executor } from '../db/database.js';
import { notFound } from '../shared/errors.js';
import { CardDecryptionError, openCard } from './card-cipher.js';
import { findVaultCard, sealedOf, touchVaultCard } from './vault.repository.js';
import type { VaultKeyring } from './vault-keys.js';
import type { VaultCardRow } from './vault.table.js';

export interface RevealedCard {
  number: string;
  expMonth: number;
  expYear: number;
  holderName: string | null;
}

/**
 * The card behind a token, in clear, for the gateway adapter to charge; nothing else may call it and
 * no route exposes it. Hold the result only as long as the gateway call and never log it. Expiry and
 * name come from the sealed payload, so an edited row cannot change what is charged. `db` must be able
 * to write (the order transaction, or the database itself): the card's last use is recorded — unless the
 * caller records it itself (`touch: false`, the payment step does so in the transaction of the outcome).
 */
export async function revealCard(db: Executor, keys: VaultKeyring, token: string, now = Date.now(), opts: { touch?: boolean } = {}): Promise<RevealedCard> {
  const row = await findVaultCard(db, token);
  if (!row) throw notFound('card token', token);
  const card = revealVaultRow(keys, row);
  if (opts.touch !== false) await touchVaultCard(db, token, now);
  return card;
}

/** The same, for a vault row the caller already read (in the order's transaction): no second read. */
export function revealVaultRow(keys: VaultKeyring, row: VaultCardRow): RevealedCard {
  const key = keys.find(row.key_id);
  if (!key) throw new CardDecryptionError(row.token, `key ${row.key_id} is not among this installation's vault keys (${keys.source})`);
  const secret = openCard(key, row.token, sealedOf(row));
  return { number: secret.number, expMonth: secret.expMonth, expYear: secret.expYear, holderName: secret.holderName };
}

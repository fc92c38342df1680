import type { Trx } from '../db/database.js';
import { cardFingerprint, newCardToken, sealCard } from './card-cipher.js';
import { validateCard } from './card-input.js';
import type { StoredCardDto, StoreCardInput } from './vault.schemas.js';
import { insertVaultCard } from './vault.repository.js';
import type { VaultKeyring } from './vault-keys.js';

/**
 * Validates a card, seals it and returns its token with the parts that may be shown.
 *
 * Every call makes a new token, even for a number already in the vault. Handing back the earlier
 * token would tell any caller with `orders:create` that this card was seen before, would tie separate
 * checkouts (possibly of different customers) to one token, and would keep the earlier expiry and name;
 * "same card again" needs none of that, because equal numbers have equal fingerprints.
 */
export async function storeCard(trx: Trx, keys: VaultKeyring, input: StoreCardInput, now = Date.now()): Promise<StoredCardDto> {
  const card = validateCard(input, now);
  const token = newCardToken();
  const sealed = sealCard(keys.current(), token, {
    number: card.number, expMonth: card.expMonth, expYear: card.expYear, holderName: card.holderName,
  });
  const last4 = card.number.slice(-4);
  await insertVaultCard(trx, {
    token, key_id: sealed.keyId, iv: sealed.iv, ciphertext: sealed.ciphertext, auth_tag: sealed.authTag,
    brand: card.brand, last4, exp_month: card.expMonth, exp_year: card.expYear,
    fingerprint: cardFingerprint(keys.fingerprintSecret(), card.number), created_at: now, last_used_at: null,
  });
  return { token, brand: card.brand, last4, expMonth: card.expMonth, expYear: card.expYear };
}

import type { Selectable } from 'kysely';

/**
 * One vaulted card. The number (with expiry and holder name) exists only as AES-256-GCM ciphertext
 * bound to its token; brand, last4 and expiry are the parts card rules allow in clear.
 */
export interface VaultCardsTable {
  token: string;
  /** Which vault key sealed it, so older keys keep decrypting after a rotation. */
  key_id: string;
  iv: Buffer;
  ciphertext: Buffer;
  auth_tag: Buffer;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  /** HMAC-SHA256 of the number under the fingerprint secret (hex): equal for the same card, useless without the secret. */
  fingerprint: string;
  created_at: number;
  last_used_at: number | null;
}

export type VaultCardRow = Selectable<VaultCardsTable>;

import type { Trx } from '../db/database.js';
import { insertFraudAudit, insertFraudBlock } from './fraud.repository.js';
import { type AddressLike, addressKey, normalizeEmail, normalizeIp } from './fraud-values.js';

export interface BlockableOrder {
  ip: string | null;
  email: string;
  cardFingerprint: string | null;
  /** How the card reads on the block list (cardLabel), stored with its fingerprint. */
  cardLabel?: string | null | undefined;
  billing: AddressLike;
  shipping: AddressLike;
}

/**
 * "Establish filters from this order": puts the order's IP, email, card and addresses on the block
 * lists. Values already blocked are left as they are (with their first reason), so running it twice adds
 * nothing; `added` names what this call added, and the audit row records it.
 */
export async function blockOrderCustomer(
  trx: Trx, order: BlockableOrder, actor: string, reason: string, now = Date.now(),
): Promise<{ added: { kind: string; value: string; label?: string }[] }> {
  const candidates = new Map<string, { kind: string; value: string; label: string | null }>();
  const put = (kind: string, value: string | null, label: string | null = null) => {
    if (value) candidates.set(`${kind}:${value}`, { kind, value, label });
  };
  put('ip', order.ip ? normalizeIp(order.ip) : null);
  put('email', normalizeEmail(order.email));
  put('card', order.cardFingerprint?.trim() || null, order.cardLabel ?? null);
  put('address', addressKey(order.billing));
  put('address', addressKey(order.shipping));

  const added: { kind: string; value: string; label?: string }[] = [];
  for (const { kind, value, label } of candidates.values()) {
    const row = await insertFraudBlock(trx, { kind, value, label, reason: reason.trim(), created_at: now, created_by: actor });
    if (row) added.push(label ? { kind, value, label } : { kind, value });
  }
  if (added.length) await insertFraudAudit(trx, { at: now, actor, action: 'customer_blocked', detail: { reason, added } });
  return { added };
}

import type { Trx } from '../db/database.js';
import { insertFraudAudit, insertFraudBlock } from './fraud.repository.js';
import { type AddressLike, addressKey, normalizeEmail, normalizeIp } from './fraud-values.js';

export interface BlockableOrder {
  ip: string | null;
  email: string;
  cardFingerprint: string | null;
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
): Promise<{ added: { kind: string; value: string }[] }> {
  const candidates = new Map<string, { kind: string; value: string }>();
  const put = (kind: string, value: string | null) => {
    if (value) candidates.set(`${kind}:${value}`, { kind, value });
  };
  put('ip', order.ip ? normalizeIp(order.ip) : null);
  put('email', normalizeEmail(order.email));
  put('card', order.cardFingerprint?.trim() || null);
  put('address', addressKey(order.billing));
  put('address', addressKey(order.shipping));

  const added: { kind: string; value: string }[] = [];
  for (const { kind, value } of candidates.values()) {
    const row = await insertFraudBlock(trx, { kind, value, reason: reason.trim(), created_at: now, created_by: actor });
    if (row) added.push({ kind, value });
  }
  if (added.length) await insertFraudAudit(trx, { at: now, actor, action: 'customer_blocked', detail: { reason, added } });
  return { added };
}

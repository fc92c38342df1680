import type { OrderRow } from '../../orders/orders.table.js';
import { dueOf } from '../ledger/ledger.mapper.js';
import type { PayLinkRow } from './pay-links.table.js';

/** Card submissions one link allows, declined or not: enough for a typo and a second card, too few for card testing. */
export const MAX_CARD_ATTEMPTS = 5;
export const DEFAULT_EXPIRY_HOURS = 72;
export const MAX_EXPIRY_HOURS = 720;

/** Why a link that really exists no longer works: answered as 410 with the reason in words a customer understands. */
export interface PayLinkGone {
  kind: 'gone';
  code: 'pay_link_expired' | 'pay_link_used' | 'pay_link_revoked' | 'pay_link_exhausted' | 'pay_link_settled';
  message: string;
}

const gone = (code: PayLinkGone['code'], message: string): PayLinkGone => ({ kind: 'gone', code, message });


/** Whether a link may still be used at `now`: not used, not replaced by a newer link, not expired, attempts left. */
export function linkRefusal(link: PayLinkRow, now: number): PayLinkGone | undefined {
  if (link.used_at !== null) return gone('pay_link_used', 'this order has been paid with this link');
  if (link.revoked_at !== null) return gone('pay_link_revoked', 'this payment link was replaced by a newer one; use the link in the latest email');
  if (Number(link.expires_at) <= now) return gone('pay_link_expired', 'this payment link has expired; ask the store for a new one');
  if (link.attempts >= MAX_CARD_ATTEMPTS) return gone('pay_link_exhausted', 'this payment link has been tried too many times; ask the store for a new one');
  return undefined;
}

/** The order must still wait in Accounts Receivable with money due (it may have been paid another way since). */
export function orderRefusal(order: OrderRow): PayLinkGone | undefined {
  if (order.stage !== 'accounts_receivable' || dueOf(order) <= 0) return gone('pay_link_settled', 'this order no longer awaits a payment');
  return undefined;
}

import { dueOf } from '../ledger/ledger.mapper.js';
import type { Executor } from '../../db/database.js';
import { listOrderItems } from '../../orders/orders.repository.js';
import { AppError } from '../../shared/errors.js';
import { linkRefusal, MAX_CARD_ATTEMPTS, orderRefusal, type PayLinkGone } from './pay-link-rules.js';
import { hashPayLinkToken, type PayLinkKey, sameTokenHash, verifyPayLinkToken } from './pay-link-token.js';
import { findOrderById, findPayLink } from './pay-links.repository.js';
import type { PayLinkRow } from './pay-links.table.js';

/** Every bad token gets this same answer, so nobody learns whether a link id or an order exists. */
export const invalidLink = () => new AppError('not_found', 'this payment link is not valid; check that the whole link was copied');

/** The link id of a token with a valid signature, or a 404 before anything is looked up. */
export function linkIdOf(key: PayLinkKey, token: string): number {
  const id = verifyPayLinkToken(key, token);
  if (id === undefined) throw invalidLink();
  return id;
}

/** The row really is this token's: a signed id alone is not enough once a link is replaced. */
export function assertTokenMatches(link: PayLinkRow | undefined, token: string): PayLinkRow {
  if (!link || !sameTokenHash(link.token_hash, hashPayLinkToken(token))) throw invalidLink();
  return link;
}

export interface PayLinkView {
  kind: 'open';
  orderId: string;
  amountDue: number;
  currency: string;
  items: { description: string; quantity: number }[];
  merchantName: string;
  expiresAt: number;
  attemptsLeft: number;
}

/** What the customer's pay page shows: the amount due now and the items, nothing else about the order. */
export async function viewPayLink(db: Executor, key: PayLinkKey, token: string, merchantName: string, now = Date.now()): Promise<PayLinkView | PayLinkGone> {
  const link = assertTokenMatches(await findPayLink(db, linkIdOf(key, token)), token);
  const refusal = linkRefusal(link, now);
  if (refusal) return refusal;
  const order = await findOrderById(db, Number(link.order_id));
  if (!order) throw invalidLink();
  const settled = orderRefusal(order);
  if (settled) return settled;
  const items = await listOrderItems(db, order.id);
  return {
    kind: 'open', orderId: order.order_number, amountDue: dueOf(order), currency: order.currency,
    items: items.map((i) => ({ description: i.description, quantity: i.quantity })), merchantName,
    expiresAt: Number(link.expires_at), attemptsLeft: Math.max(0, MAX_CARD_ATTEMPTS - link.attempts),
  };
}

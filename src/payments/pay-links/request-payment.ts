import { dueOf } from '../ledger/ledger.mapper.js';
import type { Trx } from '../../db/database.js';
import { enqueueEmail } from '../../mail/mail.repository.js';
import { insertOrderHistory, lockOrderByNumber } from '../../orders/orders.repository.js';
import { AppError, notFound } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';
import { toReadableUtc } from '../../shared/time.js';
import { listLedgerRows } from '../ledger/ledger.repository.js';
import { chargeInFlight } from '../receivables/receivables.repository.js';
import { paymentRequestEmail } from './pay-link-email.js';
import { DEFAULT_EXPIRY_HOURS } from './pay-link-rules.js';
import { hashPayLinkToken, newPayLinkToken, type PayLinkKey } from './pay-link-token.js';
import { insertPayLink, revokeOpenPayLinks, setPayLinkTokenHash } from './pay-links.repository.js';

export interface PaymentRequestInput {
  orderNumber: string;
  expiresInHours?: number | undefined;
  message?: string | undefined;
  actor: string;
  /** ORDERDECK_PUBLIC_URL: the link is `<publicUrl>/pay/<token>`. */
  publicUrl: string;
  /** ORDERDECK_MERCHANT_NAME: who the email says is asking. */
  merchantName: string;
}

export interface PaymentRequest {
  linkId: number;
  orderNumber: string;
  url: string;
  expiresAt: number;
  amountDue: number;
  currency: string;
  emailTo: string;
  revoked: number;
}

/**
 * Accounts Receivable asks the customer to pay: a new pay link (earlier open links of the order stop
 * working), the email carrying it and the history row, all in the caller's transaction. The email leaves
 * after commit, through the mail outbox.
 */
export async function requestPayment(trx: Trx, key: PayLinkKey, input: PaymentRequestInput, now = Date.now()): Promise<PaymentRequest> {
  const order = await lockOrderByNumber(trx, input.orderNumber);
  if (!order) throw notFound('order', input.orderNumber);
  if (order.stage !== 'accounts_receivable') {
    throw new AppError('transition_refused', `${order.order_number} is in ${order.stage}; a payment can be requested only in accounts_receivable`);
  }
  const amountDue = dueOf(order);
  if (amountDue <= 0) throw new AppError('conflict', `${order.order_number} has nothing left to pay`);
  if (!order.customer_email) throw new AppError('conflict', `${order.order_number} has no customer email to send the request to`);
  // The pay page refuses to charge beside a charge still unanswered, so the customer would get an email
  // whose link says a payment is already being processed: the outcome comes first.
  const open = chargeInFlight(await listLedgerRows(trx, order.id));
  if (open) {
    throw new AppError('conflict', `${order.order_number}: a ${open.kind} of ${formatMoney(Number(open.amount), open.currency)} is still in flight (${open.status}, entry ${open.id}); `
      + `record its outcome first (POST …/payments/${open.id}/resolve) or wait for the gateway's answer, then request a payment if anything is still due`, { field: '/payment' });
  }

  const expiresAt = now + (input.expiresInHours ?? DEFAULT_EXPIRY_HOURS) * 3_600_000;
  const revoked = await revokeOpenPayLinks(trx, order.id, now);
  const linkId = await insertPayLink(trx, {
    orderId: order.id, amountDue, currency: order.currency, expiresAt, createdBy: input.actor, createdAt: now,
  });
  const token = newPayLinkToken(key, linkId);
  await setPayLinkTokenHash(trx, linkId, hashPayLinkToken(token));
  const url = `${input.publicUrl}/pay/${token}`;

  await enqueueEmail(trx, paymentRequestEmail({
    merchantName: input.merchantName, to: order.customer_email, customerName: order.customer_name, orderNumber: order.order_number, orderId: order.id,
    amountDue, currency: order.currency, url, expiresAt, message: input.message?.trim() || null,
  }), now);
  await insertOrderHistory(trx, {
    orderId: order.id, at: now, actor: input.actor, kind: 'payment',
    reason: `payment request sent to ${order.customer_email}, expires ${toReadableUtc(expiresAt)}${revoked ? ` (replaces ${revoked} earlier link${revoked > 1 ? 's' : ''})` : ''}`,
  });
  return { linkId, orderNumber: order.order_number, url, expiresAt, amountDue, currency: order.currency, emailTo: order.customer_email, revoked };
}

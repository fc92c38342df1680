import type { EmailToSend } from '../../mail/mail.repository.js';
import { formatMoney } from '../../shared/money.js';

export interface PaymentRequestEmail {
  /** ORDERDECK_MERCHANT_NAME */
  merchantName: string;
  to: string;
  customerName: string;
  orderNumber: string;
  orderId: number;
  amountDue: number;
  currency: string;
  url: string;
  expiresAt: number;
  message: string | null;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const expiryText = (at: number): string => new Date(at).toUTCString().replace('GMT', 'UTC');

/** The payment request email, plain text first (it is what many people and every filter read) plus HTML. */
export function paymentRequestEmail(e: PaymentRequestEmail): EmailToSend {
  const amount = formatMoney(e.amountDue, e.currency);
  const greeting = e.customerName.trim() ? `Hello ${e.customerName.trim()},` : 'Hello,';
  const lines = [
    greeting,
    '',
    `${e.merchantName} is waiting for the payment of your order ${e.orderNumber}: ${amount} is due.`,
    ...(e.message ? ['', e.message] : []),
    '',
    'Pay securely with a card here:',
    e.url,
    '',
    `The link works until ${expiryText(e.expiresAt)} and only for this order.`,
    'If you did not place this order, ignore this email.',
  ];
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(e.merchantName)} is waiting for the payment of your order <strong>${escapeHtml(e.orderNumber)}</strong>: <strong>${escapeHtml(amount)}</strong> is due.</p>`,
    ...(e.message ? [`<p style="white-space:pre-line">${escapeHtml(e.message)}</p>`] : []),
    `<p><a href="${escapeHtml(e.url)}">Pay ${escapeHtml(amount)} now</a></p>`,
    `<p style="color:#555">The link works until ${escapeHtml(expiryText(e.expiresAt))} and only for this order. If you did not place this order, ignore this email.</p>`,
    '</body></html>',
  ].join('\n');
  return {
    to: e.to, subject: `Payment request for order ${e.orderNumber}: ${amount}`, text: lines.join('\n'), html, template: 'payment_request', orderId: e.orderId,
  };
}

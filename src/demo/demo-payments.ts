import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { transact } from '../db/transact.js';
import { createOrder } from '../orders/create-order.js';
import type { CreateOrderInput } from '../orders/orders.schemas.js';
import { takeNewOrderPayment } from '../orders/place-order.js';
import type { PaymentServices } from '../payments/payment-services.js';
import { getPaymentSettings } from '../payments/payment-settings.js';
import { SANDBOX_TEST_ACCOUNTS, SANDBOX_TEST_CARDS } from '../payments/sandbox/test-cards.js';
import { SYSTEM_ACTOR } from '../shared/actor.js';
import { storeCard } from '../vault/store-card.js';

/**
 * A few demo orders placed the way real ones are: each card vaulted, charged through the sandbox gateway,
 * and routed by the answer (paid → Shipping, declined → Accounts Receivable, e-checks → Pending Clearance
 * until the sandbox's notification clears or bounces them). Seeded history shows queues; these show the
 * payment ledger, declines with their codes, and notifications at work.
 */
const DEMO_PAYMENTS: { card?: string; account?: string; who: [string, string]; city: string; country: string }[] = [
  { card: 'approved', who: ['Ada', 'Lovelace'], city: 'London', country: 'GB' },
  { card: 'approved', who: ['Grace', 'Hopper'], city: 'Arlington', country: 'US' },
  { card: 'declined: insufficient funds', who: ['Alan', 'Turing'], city: 'Wilmslow', country: 'GB' },
  { card: 'declined: expired card', who: ['Edsger', 'Dijkstra'], city: 'Nuenen', country: 'NL' },
  { card: 'approved with AVS mismatch (avs N)', who: ['Barbara', 'Liskov'], city: 'Boston', country: 'US' },
  { account: SANDBOX_TEST_ACCOUNTS.settles, who: ['Donald', 'Knuth'], city: 'Stanford', country: 'US' },
  { account: SANDBOX_TEST_ACCOUNTS.bouncesInsufficientFunds, who: ['John', 'Backus'], city: 'Ashland', country: 'US' },
];

export async function placeDemoPayments(db: Db, config: Config, payments: PaymentServices, log: Logger): Promise<void> {
  const { cardMode } = await getPaymentSettings(db);
  const year = new Date().getUTCFullYear() + 3;
  let placed = 0;
  for (const [i, demo] of DEMO_PAYMENTS.entries()) {
    const email = `${demo.who[0].toLowerCase()}.${demo.who[1].toLowerCase()}@example.com`;
    let payment: CreateOrderInput['payment'];
    if (demo.card) {
      const number = SANDBOX_TEST_CARDS.find((c) => c.behaviour === demo.card)!.number;
      const card = await transact(db, (trx) => storeCard(trx, payments.keys, { number, expMonth: 12, expYear: year, holderName: demo.who.join(' ') }));
      payment = { method: 'credit_card', card: { token: card.token } };
    } else {
      payment = { method: 'e_check', echeck: { routingNumber: SANDBOX_TEST_ACCOUNTS.routingNumber, accountNumber: demo.account!, accountType: 'checking' } };
    }
    const input: CreateOrderInput = {
      channel: 'web', currency: demo.country === 'GB' ? 'GBP' : demo.country === 'NL' ? 'EUR' : 'USD',
      customer: { email, ip: `198.51.100.${10 + i}` },
      billing: { firstName: demo.who[0], lastName: demo.who[1], line1: `${10 + i} Demo Street`, city: demo.city, country: demo.country },
      items: [{ sku: `DEMO-PAY-${i + 1}`, description: 'Sandbox payment demo', quantity: 1, unitPrice: 2500 + i * 700, tax: 0 }],
      shippingCost: 495, payment,
    };
    const created = await transact(db, (trx) => createOrder(trx, input, SYSTEM_ACTOR, {
      orderNumberPrefix: config.orderNumberPrefix, gateway: payments.gatewayName(), cardMode,
    }));
    await takeNewOrderPayment(db, payments, created.orderNumber, created.charge, log, created.fraud);
    placed += 1;
  }
  log.info({ orders: placed }, 'demo orders charged through the sandbox gateway');
}

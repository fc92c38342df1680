import type { Db } from '../../db/database.js';
import { transact } from '../../db/transact.js';
import { createOrder } from '../../orders/create-order.js';
import type { CreateOrderInput } from '../../orders/orders.schemas.js';
import { SYSTEM_ACTOR } from '../../shared/actor.js';
import { storeCard } from '../../vault/store-card.js';
import type { VaultKeyring } from '../../vault/vault-keys.js';
import { luhnValid } from '../../shared/card-number.js';
import { SANDBOX_TEST_CARDS } from '../sandbox/test-cards.js';
import { DAY_MS } from './ar-schedule.js';
import { mapWithConcurrency } from './concurrency.js';

/** A Luhn-valid Visa number the sandbox approves (any valid number it does not list is approved). */
function approvedCardNumber(i: number): string {
  const body = `4242${String(i).padStart(11, '0')}`;
  for (let check = 0; check < 10; check++) if (luhnValid(`${body}${check}`)) return `${body}${check}`;
  throw new Error('unreachable: one check digit always fits');
}

/**
 * For tests and the benchmark: `count` orders waiting in Accounts Receivable after a declined charge
 * (as the storefront reported it, so no gateway is called), each with a vaulted card — every
 * `decliningEvery`-th one a card the sandbox declines, the rest a card it approves — entered A/R
 * `enteredDaysAgo` days ago. Orders are placed through createOrder, the path every order takes.
 */
export async function seedArOrders(
  db: Db, keys: VaultKeyring, opts: { count: number; decliningEvery?: number; enteredDaysAgo?: number; now?: number; concurrency?: number },
): Promise<{ approving: string[]; declining: string[] }> {
  const now = opts.now ?? Date.now();
  const declined = SANDBOX_TEST_CARDS.find((c) => c.behaviour === 'declined (generic)')!.number;
  const every = opts.decliningEvery ?? 10;
  const stamp = now.toString(36);
  const made = await mapWithConcurrency(Array.from({ length: opts.count }, (_, i) => i), opts.concurrency ?? 32, async (i) => {
    const declining = i % every === every - 1;
    // Each order its own card, as customers have (one shared vault row would also be a hot row every charge touches).
    const card = { number: declining ? declined : approvedCardNumber(i), expMonth: 12, expYear: 2034, holderName: 'Ada Lovelace' };
    const token = (await transact(db, (trx) => storeCard(trx, keys, card, now))).token;
    const input: CreateOrderInput = {
      channel: 'web', currency: 'USD',
      // Each order its own customer and address, as real ones are: the fraud rules' velocity checks stay quiet.
      customer: { email: `ar-${stamp}-${i}@example.com`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      billing: { firstName: 'Ada', lastName: `Debtor${i}`, line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
      items: [{ sku: 'BOOK-1', description: 'Notes on the Engine', quantity: 1 + (i % 3), unitPrice: 1999, tax: 400 }],
      shippingCost: 500,
      payment: { method: 'credit_card', status: 'declined', card: { token } },
    };
    const created = await transact(db, (trx) => createOrder(trx, input, SYSTEM_ACTOR, { orderNumberPrefix: 'AR-', gateway: 'sandbox', cardMode: 'sale' }, now));
    return { orderNumber: created.orderNumber, declining };
  });
  const numbers = made.map((m) => m.orderNumber);
  const entered = now - (opts.enteredDaysAgo ?? 1) * DAY_MS - 3_600_000;
  for (let i = 0; i < numbers.length; i += 500) {
    await db.updateTable('orders').set({ stage_entered_at: entered }).where('order_number', 'in', numbers.slice(i, i + 500)).execute();
  }
  const stages = await db.selectFrom('orders').select(['stage', (eb) => eb.fn.countAll<number>().as('n')]).where('order_number', 'in', numbers.slice(0, 500)).groupBy('stage').execute();
  if (stages.some((s) => s.stage !== 'accounts_receivable')) throw new Error(`seeded orders are not all in A/R: ${JSON.stringify(stages)}`);
  return { approving: made.filter((m) => !m.declining).map((m) => m.orderNumber), declining: made.filter((m) => m.declining).map((m) => m.orderNumber) };
}

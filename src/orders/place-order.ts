import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.js';
import { performLedgerOperation } from '../payments/charge/ledger-operation.js';
import type { PendingOperation } from '../payments/charge/intake-payment.js';
import { listLedgerRows } from '../payments/ledger/ledger.repository.js';
import type { PaymentServices } from '../payments/payment-services.js';
import { findOrderByNumber } from './orders.repository.js';

/**
 * The part of placing an order that happens after its transaction commits: the charge written `started`
 * is sent to the gateway and its answer routes the order. On an idempotent replay of the request (the
 * client retrying after a lost response) the new order's unfinished operations are finished instead,
 * with their own idempotency keys, so the retry completes the first attempt rather than charging again.
 * A failure here never fails the request: the order exists, and recovery finishes the charge.
 */
export async function takeNewOrderPayment(
  db: Db, services: PaymentServices, orderNumber: string, charge: PendingOperation | undefined, log: FastifyBaseLogger,
): Promise<void> {
  try {
    if (charge) {
      await performLedgerOperation(db, services, charge.ledgerId, charge.source ? { source: charge.source } : {});
      return;
    }
    const order = await findOrderByNumber(db, orderNumber);
    if (!order) return;
    for (const row of await listLedgerRows(db, order.id)) {
      if (row.status === 'started' || row.status === 'unknown') await performLedgerOperation(db, services, row.id);
    }
  } catch (error) {
    log.error({ err: error, orderId: orderNumber }, 'payment for a new order failed; recovery will finish it');
  }
}

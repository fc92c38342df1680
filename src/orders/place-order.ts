import type { FastifyBaseLogger } from 'fastify';
import { type Db, readerOf, type Trx } from '../db/database.js';
import { type FraudAssessment, scoreGatewayChecks, withGatewayChecks } from '../fraud/assess-fraud.js';
import type { GatewayOutcome } from '../payments/gateway/gateway.js';
import type { ReviewHold } from '../payments/charge/sync-order-payment.js';
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
 * A failure here never fails the request: the order exists, and recovery finishes the charge. `readBack`
 * runs in the transaction that records the gateway's answer (the route reads its response there).
 */
export async function takeNewOrderPayment(
  db: Db, services: PaymentServices, orderNumber: string, charge: PendingOperation | undefined, log: Pick<FastifyBaseLogger, 'error'>,
  fraud?: FraudAssessment, readBack?: (trx: Trx) => Promise<void>,
): Promise<void> {
  try {
    if (charge) {
      await performLedgerOperation(db, services, charge.ledgerId, {
        ...(charge.source ? { source: charge.source } : {}), ...(charge.row ? { row: charge.row } : {}), ...(charge.vaulted ? { vaulted: charge.vaulted } : {}),
        ...(fraud ? { review: (outcome: GatewayOutcome) => reviewGatewayChecks(db, fraud, outcome) } : {}),
        ...(readBack ? { readBack } : {}),
      });
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

/**
 * AVS and CVV answers arrive with the authorization, after the other rules ran. An approved charge whose
 * answers take the score to the threshold is held for review before anything ships (the money stays
 * taken; rejecting the order in review returns it).
 */
async function reviewGatewayChecks(db: Db, before: FraudAssessment, outcome: GatewayOutcome): Promise<ReviewHold | undefined> {
  if (outcome.kind !== 'approved' || before.exemptBy || (!outcome.avs && !outcome.cvv)) return undefined;
  const extra = await scoreGatewayChecks(readerOf(db), { avs: outcome.avs, cvv: outcome.cvv });
  if (extra.length === 0) return undefined;
  const after = withGatewayChecks(before, extra);
  if (!after.hold) return undefined;
  return {
    reason: `fraud score ${after.score} reached ${after.threshold} with the gateway's checks: ${extra.map((c) => c.detail).join('; ')}`,
    fraudScore: after.score, fraudReasonsJson: JSON.stringify(after.contributions),
  };
}

import type { Trx } from '../../db/database.js';
import type { OrderRow } from '../../orders/orders.table.js';
import { insertLedgerRow, listLedgerRows } from '../ledger/ledger.repository.js';
import { openAuthorizations } from '../ledger/payment-state.js';

/**
 * Writes a `started` void for each authorization still held on the order, in the caller's transaction
 * (perform them after commit; recovery finishes any the gateway does not answer). A rejected order must
 * not keep the customer's money on hold, nor leave it capturable. Returns the ledger ids. Each void's
 * amount is the hold it releases (an open authorization is never partly captured: a capture settles it),
 * so the ledger and the order's history say how much money was let go.
 */
export async function startVoidsOfOpenAuthorizations(
  trx: Trx, order: Pick<OrderRow, 'id' | 'order_number' | 'currency'>, why: { actor: string; reason: string; keyPrefix: string }, now: number,
): Promise<number[]> {
  const ids: number[] = [];
  for (const auth of openAuthorizations(await listLedgerRows(trx, order.id))) {
    ids.push(await insertLedgerRow(trx, {
      order_id: order.id, kind: 'void', amount: Number(auth.amount), currency: order.currency, gateway: auth.gateway, parent_id: auth.id, status: 'started',
      idempotency_key: `${why.keyPrefix}:${order.order_number}:void:${auth.id}`, actor: why.actor, reason: why.reason, created_at: now, next_attempt_at: now + 30_000,
    }));
  }
  return ids;
}

import type { Db } from '../../db/database.js';
import { listOpenLedgerRows } from '../ledger/ledger.repository.js';
import type { PaymentServices } from '../payment-services.js';
import { performLedgerOperation } from './ledger-operation.js';

export interface RecoveryRun {
  examined: number;
  resolved: number;
  stillUnknown: number;
}

/**
 * Finishes gateway operations whose outcome nobody knows: written `started` by a process that died
 * before the answer, or answered `unknown` (timeout, 5xx). Each is asked again with its own idempotency
 * key, so the gateway replays the first result instead of moving money twice. Safe to run in several
 * processes at once: resolving a row is conditional, so the second resolver changes nothing.
 * Rows just written are left to the request that wrote them (their next_attempt_at is in the future).
 */
export async function recoverOpenOperations(db: Db, services: PaymentServices, opts: { now?: number; limit?: number } = {}): Promise<RecoveryRun> {
  const rows = await listOpenLedgerRows(db, opts.now ?? Date.now(), opts.limit ?? 200);
  let resolved = 0;
  let stillUnknown = 0;
  for (const row of rows) {
    const result = await performLedgerOperation(db, services, row.id);
    if (result.status === 'unknown' || result.status === 'started') stillUnknown += 1;
    else resolved += 1;
  }
  return { examined: rows.length, resolved, stillUnknown };
}

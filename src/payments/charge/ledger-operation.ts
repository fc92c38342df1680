import { type Db, readerOf, type Trx } from '../../db/database.js';
import { together } from '../../db/statement-batch.js';
import { transact } from '../../db/transact.js';
import { formatMoney } from '../../shared/money.js';
import { type RevealedCard, revealCard, revealVaultRow } from '../../vault/reveal-card.js';
import type { VaultCardRow } from '../../vault/vault.table.js';
import { touchVaultCard } from '../../vault/vault.repository.js';
import { type AddressLike, rescoreWithGatewayChecks } from '../../fraud/assess-fraud.js';
import type { OrderRow } from '../../orders/orders.table.js';
import type { GatewayOutcome, PaymentSource } from '../gateway/gateway.js';
import { findLedgerRow, findLedgerRows, lockOrderById, resolveLedgerRow } from '../ledger/ledger.repository.js';
import type { LedgerRow, LedgerStatus } from '../ledger/ledger.table.js';
import type { PaymentServices } from '../payment-services.js';
import { applySaleCoupon } from '../receivables/ar-coupon.js';
import { releaseDeclinedRefund } from '../refunds/refund-ledger.js';
import { type PaymentSync, type ReviewHold, syncOrderPayment } from './sync-order-payment.js';

const OPEN: readonly LedgerStatus[] = ['started', 'unknown'];
const UNRESENDABLE = 'the payment details are not kept, so this submission cannot be sent again; check it with the provider';
/** Recovery asks again after 30 s, 1, 2, 4… minutes, at most hourly: a gateway outage is not hammered. */
export const retryDelayMs = (attempts: number): number => Math.min(30_000 * 2 ** attempts, 3_600_000);

export interface OperationResult {
  ledgerId: number;
  status: LedgerStatus;
  /** False when someone else (a concurrent retry, another process) resolved the row first. */
  applied: boolean;
  sync?: PaymentSync;
}

/**
 * Carries out one ledger row that was written `started` (or left `unknown`): asks the gateway with the
 * row's own idempotency key, then records the answer and re-derives the order in one transaction. Run it
 * after the transaction that wrote the row has committed — the gateway is never called with a
 * transaction open, and a crash in between leaves a row recovery finishes the same way.
 * `source` is for payment details that are never stored (an e-check's account); cards come from the vault.
 */
export async function performLedgerOperation(
  db: Db, services: PaymentServices, ledgerId: number,
  opts: {
    source?: PaymentSource; now?: () => number; review?: (o: GatewayOutcome) => Promise<ReviewHold | undefined>;
    /** The row as just written and its vaulted card (order intake has both in hand): skips reading them again. */
    row?: LedgerRow; vaulted?: VaultCardRow;
    /**
     * Runs in the transaction that records the answer, after it: order intake reads the order back there
     * for its response. Only reads belong here; a failure is the caller's to handle and never loses the answer.
     */
    readBack?: (trx: Trx) => Promise<void>;
  } = {},
): Promise<OperationResult> {
  const clock = opts.now ?? Date.now;
  // Reads before the gateway call go to the reader: on SQLite the writer connection is busy committing others' work.
  const row = opts.row?.id === ledgerId ? opts.row : await findLedgerRow(readerOf(db), ledgerId);
  if (!row) throw new Error(`ledger row ${ledgerId} does not exist`);
  if (!OPEN.includes(row.status)) return { ledgerId, status: row.status, applied: false };
  const given = opts.source ?? (opts.vaulted && opts.vaulted.token === row.source_token ? cardOf(revealVaultRow(services.keys, opts.vaulted)) : undefined);
  const outcome = await callGateway(db, services, row, given);
  const review = opts.review ? await opts.review(outcome) : undefined;
  return transact(db, async (trx) => {
    const result = await applyOutcome(trx, row, outcome, clock(), review);
    if (opts.readBack) await opts.readBack(trx).catch(() => undefined);
    return result;
  });
}

/**
 * Several started rows at once (a job's group): the gateway calls go out together, and the outcomes are
 * recorded in ONE transaction — on PostgreSQL a commit waits for its WAL flush, and one flush for a group
 * instead of one per order is most of a batch job's database time. Should any outcome fail to apply, the
 * group falls back to one transaction per row, so one bad row never loses the others' answers.
 */
export async function performLedgerOperations(
  db: Db, services: PaymentServices, ledgerIds: readonly number[], opts: { now?: () => number } = {},
): Promise<OperationResult[]> {
  const clock = opts.now ?? Date.now;
  const rows = await findLedgerRows(readerOf(db), ledgerIds);
  const open = rows.filter((r) => OPEN.includes(r.status));
  const answered = await Promise.all(open.map(async (row) => ({ row, outcome: await callGateway(db, services, row, undefined) })));
  const byId = new Map<number, OperationResult>();
  for (const r of rows) if (!OPEN.includes(r.status)) byId.set(r.id, { ledgerId: r.id, status: r.status, applied: false });
  try {
    const results = await transact(db, async (trx) => {
      const out: OperationResult[] = [];
      for (const { row, outcome } of answered) out.push(await applyOutcome(trx, row, outcome, clock(), undefined));
      return out;
    });
    for (const r of results) byId.set(r.ledgerId, r);
  } catch {
    for (const { row, outcome } of answered) byId.set(row.id, await transact(db, (trx) => applyOutcome(trx, row, outcome, clock(), undefined)));
  }
  return ledgerIds.map((id) => byId.get(id) ?? { ledgerId: id, status: 'unknown', applied: false });
}

async function callGateway(db: Db, services: PaymentServices, row: LedgerRow, given: PaymentSource | undefined): Promise<GatewayOutcome> {
  let gateway;
  try {
    gateway = services.gateway();
  } catch (error) {
    return { kind: 'unknown', reason: (error as Error).message };
  }
  const base = { idempotencyKey: row.idempotency_key, amount: Number(row.amount), currency: row.currency, reference: String(row.order_id) };
  if (row.kind === 'sale' || row.kind === 'authorize') {
    const source = given ?? (row.source_token ? await cardSource(db, services, row.source_token) : undefined);
    // An e-check's account is never stored: after a crash nobody can resend it, so the outcome stays unknown.
    if (!source) return { kind: 'unknown', reason: UNRESENDABLE };
    return row.kind === 'sale' ? gateway.sale({ ...base, source }) : gateway.authorize({ ...base, source });
  }
  const parent = row.parent_id !== null ? await findLedgerRow(readerOf(db), Number(row.parent_id)) : undefined;
  if (!parent?.gateway_reference) return { kind: 'declined', code: 'no_parent', message: `${row.kind} needs the gateway reference of the transaction it acts on` };
  if (row.kind === 'capture') return gateway.capture({ ...base, transaction: parent.gateway_reference });
  if (row.kind === 'refund') return gateway.refund({ ...base, transaction: parent.gateway_reference });
  if (row.kind === 'void') return gateway.void({ idempotencyKey: row.idempotency_key, reference: base.reference, transaction: parent.gateway_reference });
  throw new Error(`ledger rows of kind ${row.kind} are not sent to a gateway`);
}

async function cardSource(db: Db, services: PaymentServices, token: string): Promise<PaymentSource> {
  return cardOf(await revealCard(readerOf(db), services.keys, token, Date.now(), { touch: false }));
}

const cardOf = (card: RevealedCard): PaymentSource => ({ type: 'card', number: card.number, expMonth: card.expMonth, expYear: card.expYear });

async function applyOutcome(trx: Trx, row: LedgerRow, outcome: GatewayOutcome, now: number, review: ReviewHold | undefined): Promise<OperationResult> {
  const order = await lockOrderById(trx, Number(row.order_id));
  if (!order) throw new Error(`order ${row.order_id} of ledger row ${row.id} is gone`);
  const patch = outcomePatch(row, outcome, now);
  // One round trip on PostgreSQL. Should another process have resolved the row first, the card was used
  // all the same, so its time of use is right either way.
  const [won] = await together(trx, (t) => [
    resolveLedgerRow(t, row.id, OPEN, patch),
    row.source_token && (row.kind === 'sale' || row.kind === 'authorize') ? touchVaultCard(t, row.source_token, now) : undefined,
  ] as const);
  if (!won) {
    const current = await findLedgerRow(trx, row.id);
    return { ledgerId: row.id, status: current?.status ?? row.status, applied: false };
  }
  if (row.kind === 'refund') await releaseDeclinedRefund(trx, row, patch.status, now); // a refused refund gives its units back
  const current = patch.status === 'approved' ? await applySaleCoupon(trx, order, row, now) : order;
  const fraud = review ? undefined : await gatewayCheckScore(trx, current, row, outcome);
  const sync = await syncOrderPayment(trx, current, row.actor, describe(row, outcome), now, {
    review, ...(row.kind === 'capture' && patch.status === 'approved' ? { balanceAfter: 'capture' as const } : {}), ...(fraud ? { patch: fraud } : {}),
  });
  return { ledgerId: row.id, status: patch.status, applied: true, sync };
}

/**
 * The AVS/CVV answers of an approved charge join the order's stored fraud score and reasons even when
 * they do not reach the review threshold (a hold, when they do at intake, comes with its own score).
 */
async function gatewayCheckScore(trx: Trx, order: OrderRow, row: LedgerRow, outcome: GatewayOutcome) {
  if (outcome.kind !== 'approved' || (row.kind !== 'sale' && row.kind !== 'authorize') || (!outcome.avs && !outcome.cvv)) return undefined;
  const after = await rescoreWithGatewayChecks(trx, {
    reasonsJson: order.fraud_reasons_json, email: order.customer_email, ip: order.customer_ip, currency: order.currency,
    billing: JSON.parse(order.billing_json) as AddressLike, shipping: JSON.parse(order.shipping_json) as AddressLike,
  }, { avs: outcome.avs, cvv: outcome.cvv });
  return after ? { fraud_score: after.score, fraud_reasons_json: JSON.stringify(after.contributions) } : undefined;
}

function outcomePatch(row: LedgerRow, o: GatewayOutcome, now: number) {
  const attempts = row.attempts + 1;
  switch (o.kind) {
    case 'approved':
      return { status: 'approved' as const, gateway_reference: o.reference, avs: o.avs ?? null, cvv: o.cvv ?? null, resolved_at: now, next_attempt_at: null, attempts };
    case 'declined':
      return {
        status: 'declined' as const, gateway_reference: o.reference ?? null, decline_code: o.code, message: o.message, avs: o.avs ?? null, cvv: o.cvv ?? null,
        resolved_at: now, next_attempt_at: null, attempts,
      };
    case 'pending':
      return { status: 'pending' as const, gateway_reference: o.reference, resolved_at: null, next_attempt_at: null, attempts };
    case 'unknown':
      // Nothing to resend with: asking again cannot help, so the row waits for a person (or the provider's notification).
      return { status: 'unknown' as const, message: o.reason, next_attempt_at: o.reason === UNRESENDABLE ? null : now + retryDelayMs(row.attempts), attempts };
  }
}

const VERB: Record<LedgerRow['kind'], string> = {
  sale: 'charge', authorize: 'authorization', capture: 'capture', void: 'void', refund: 'refund',
  chargeback: 'chargeback', offline_payment: 'offline payment', external_refund: 'external refund',
};

function describe(row: LedgerRow, o: GatewayOutcome): string {
  const what = `${VERB[row.kind]} of ${formatMoney(Number(row.amount), row.currency)}`;
  switch (o.kind) {
    case 'approved': return `${what} approved (${o.reference})`;
    case 'declined': return `${what} declined: ${o.message} (${o.code})`;
    case 'pending': return `${what} submitted; settles later (${o.reference})`;
    case 'unknown': return `${what}: no answer from the gateway (${o.reason}); will ask again with the same key`;
  }
}

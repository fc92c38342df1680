import { useEffect, useRef, useState } from 'react';
import { describeError } from '../app/api';
import { formatInstant, formatMoney } from '../app/format';
import { refreshStageCounts } from '../app/stage-counts';
import { useApiData } from '../app/use-api';
import { ErrorState, Loading } from '../app/ui';
import { actorName, actPermissionOf, orderPaymentFigures, paymentFiguresTone, paymentMethodLabel, paymentStatusText } from '../orders/labels';
import type { Order } from '../orders/types';
import { Panel } from '../orders/detail/form-bits';
import { ArOrderActions } from './ArOrderActions';
import { avsText, cvvText, isOutgoing, LEDGER_KIND_LABEL, LEDGER_STATUS_LABEL, ledgerTone } from './labels';
import { capturePayment, isReferenceCorrectable, isResolvableByHand, openAuthorization, paymentsPath, type LedgerEntry, type OrderPayments } from './payments-api';
import { useActionKey } from './use-action-key';
import { RefundBlockDialog, RefundBlockNote } from './RefundBlockDialog';
import { RefundDialog } from './RefundDialog';
import { ResolveChargeDialog } from './ResolveChargeDialog';
import { CorrectReferenceDialog } from './CorrectReferenceDialog';
import './payments.css';

interface Props {
  order: Order;
  can: (permission: string) => boolean;
  /** Re-reads the order (its stage and payment status change with the ledger). */
  onOrderChanged: () => void;
}

/**
 * The order's money: what was taken, held and given back, and every operation in the ledger with the
 * gateway's answer. Capture and refund live here; in Accounts Receivable so do the A/R actions. A charge
 * whose outcome Orderdeck cannot learn (unknown, or pending with no notification) is recorded by hand
 * from its row, by those who may act on the order's stage (as the server requires); a reference typed in
 * then, if wrong, is corrected from its row by the Pending Clearance desk.
 */
export function PaymentLedgerPanel({ order, can, onOrderChanged }: Props) {
  const ledger = useApiData<OrderPayments>(paymentsPath(order.orderId));
  const [refunding, setRefunding] = useState(false);
  const [capturing, setCapturing] = useState(false);
  const [resolving, setResolving] = useState<LedgerEntry | null>(null);
  const [correcting, setCorrecting] = useState<LedgerEntry | null>(null);
  const [blocking, setBlocking] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const captureKey = useActionKey();
  // The order changed (a move, a colleague's refund seen on reload): the ledger may have too.
  const { reload } = ledger;
  const seenVersion = useRef(order.version);
  useEffect(() => {
    if (seenVersion.current === order.version) return;
    seenVersion.current = order.version;
    reload(true);
  }, [order.version, reload]);

  const p = ledger.data;
  const canEdit = can('orders:edit');
  const canAct = can(actPermissionOf(order.stage) ?? '');
  const canCorrect = order.stage === 'pending_clearance' && can(actPermissionOf('pending_clearance') ?? '');
  const changed = (text: string) => {
    setNotice({ tone: 'success', text });
    reload(true);
    onOrderChanged();
    void refreshStageCounts();
  };
  const capture = async () => {
    setCapturing(true);
    setNotice(null);
    try {
      const after = await capturePayment(order.orderId, captureKey.key());
      captureKey.settled();
      changed(after.authorized === 0 ? `Captured ${formatMoney(after.paid, after.currency)}.` : 'The capture was sent; see its result below.');
    } catch (e) {
      captureKey.settled(e);
      setNotice({ tone: 'error', text: describeError(e) });
    } finally {
      setCapturing(false);
    }
  };

  const noCapture = p && p.authorized > 0 ? whyNoCapture(order, p) : null;
  const actions = p && canEdit && (
    <>
      {p.authorized > 0 && !noCapture && (
        <button type="button" className="btn btn-secondary btn-sm" disabled={capturing} onClick={() => void capture()}>
          {capturing ? 'Capturing…' : `Capture ${formatMoney(p.authorized, p.currency)}`}
        </button>
      )}
      {/* Nothing left to refund: no button (the Refundable figure shows $0.00); blocked: disabled, the alert says why. */}
      {(p.refundable > 0 || (p.refundBlocked && p.paid > p.refunded)) && (
        <button type="button" className="btn btn-secondary btn-sm" disabled={p.refundBlocked}
          title={p.refundBlocked ? 'Refunds are blocked while a chargeback is open' : undefined}
          onClick={() => { setNotice(null); setRefunding(true); }}>Refund…</button>
      )}
      {p.paid > 0 && (!p.refundBlocked || can('settings:manage')) && (
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => { setNotice(null); setBlocking(true); }}>
          {p.refundBlocked ? 'Lift refund block…' : 'Block refunds…'}
        </button>
      )}
    </>
  );

  return (
    <Panel title="Payment" className="pay-panel" actions={actions}>
      <PaymentFacts order={order} payments={p} />
      {p?.refundBlocked && (
        <RefundBlockNote history={order.history} />
      )}
      {noCapture && canEdit && <p className="muted pay-small pay-no-capture" role="note">{noCapture}</p>}
      {notice && <p className={`alert alert-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>{notice.text}</p>}
      {order.stage === 'accounts_receivable' && p && can(actPermissionOf('accounts_receivable') ?? '') && (
        <ArOrderActions order={order} payments={p} onChanged={changed} />
      )}
      {ledger.error && !p ? <ErrorState error={ledger.error} onRetry={() => reload()} title="Could not load the payment ledger" />
        : !p ? <Loading label="Loading the payment ledger…" />
          : <LedgerTable entries={p.entries} paymentMethod={order.payment.method} stage={order.stage}
            onResolve={canAct ? (e) => { setNotice(null); setResolving(e); } : undefined}
            onCorrect={canCorrect ? (e) => { setNotice(null); setCorrecting(e); } : undefined} />}
      {resolving && (
        <ResolveChargeDialog orderId={order.orderId} paymentMethod={order.payment.method} entry={resolving} onClose={() => setResolving(null)}
          onStale={() => { reload(true); onOrderChanged(); }}
          onDone={(after, outcome) => {
            setResolving(null);
            changed(resolvedText(resolving, outcome, after.entries.find((e) => e.id === resolving.id)));
          }} />
      )}
      {correcting && (
        <CorrectReferenceDialog orderId={order.orderId} version={order.version} entry={correcting} onClose={() => setCorrecting(null)}
          onStale={() => { reload(true); onOrderChanged(); }}
          onDone={(after) => {
            setCorrecting(null);
            changed(correctedText(correcting, after.entries.find((e) => e.id === correcting.id)));
          }} />
      )}
      {blocking && p && (
        <RefundBlockDialog orderId={order.orderId} version={order.version} blocked={p.refundBlocked} onClose={() => setBlocking(false)}
          onStale={() => { reload(true); onOrderChanged(); }}
          onDone={(after) => {
            setBlocking(false);
            changed(after.refundBlocked ? 'Refunds are now blocked on this order.' : 'The refund block was lifted.');
          }} />
      )}
      {refunding && p && (
        <RefundDialog order={order} payments={p} canReject={canAct && order.allowedMoves.includes('rejected')}
          onClose={() => setRefunding(false)}
          onDone={(result) => {
            setRefunding(false);
            const r = result.refund;
            const outcome = r.entries.every((e) => e.status === 'approved') ? 'Refunded' : r.entries.some((e) => e.status === 'declined' || e.status === 'failed') ? 'Refund declined:' : 'Refund sent:';
            changed(`${outcome} ${formatMoney(r.total, result.payments.currency)}${r.rejected ? '; the order was rejected' : ''}.`);
          }} />
      )}
    </Panel>
  );
}

/** Stages whose orders are not captured from here (the server's NOT_CAPTURABLE_IN), and why. */
const NOT_CAPTURED_IN: Partial<Record<string, string>> = {
  fraud_review: 'It is captured when the order is approved in Fraud Review.',
  quote_request: 'A quote is not an order yet, so nothing is captured.',
  quote_sent: 'A quote is not an order yet, so nothing is captured.',
};

/** Why "Capture" would be refused, or null when it can work. */
function whyNoCapture(order: Order, p: OrderPayments): string | null {
  const held = formatMoney(p.authorized, p.currency);
  const inStage = NOT_CAPTURED_IN[order.stage];
  if (inStage) return `${held} is authorized. ${inStage}`;
  const auth = openAuthorization(p.entries);
  if (auth && auth.gatewayReference === null) {
    return `${held} is authorized, but the storefront reported the authorization without its gateway reference, so it can only be captured where it was made (in the storefront's payment provider).`;
  }
  return null;
}

/** The status message after recording a charge's outcome: an accepted e-check may still be waiting to clear. */
function resolvedText(entry: LedgerEntry, outcome: 'approved' | 'failed', now: LedgerEntry | undefined): string {
  const what = `the ${(LEDGER_KIND_LABEL[entry.kind] ?? entry.kind).toLowerCase()} of ${formatMoney(entry.amount, entry.currency)} (entry ${entry.id})`;
  if (outcome === 'failed') return `Recorded ${what} as failed.`;
  return now?.status === 'pending'
    ? `Recorded ${what} as accepted by the gateway; it now waits for the gateway's clearing notification.`
    : `Recorded ${what} as approved.`;
}

/** After a correction: a notification already received for the right reference may have settled the charge. */
function correctedText(entry: LedgerEntry, now: LedgerEntry | undefined): string {
  const what = `The reference of entry ${entry.id} is now ${now?.gatewayReference ?? 'corrected'}`;
  if (now?.status === 'approved') return `${what}; the gateway's clearing notification, received earlier, was applied.`;
  if (now?.status === 'failed') return `${what}; the gateway had reported that the payment failed, so it goes back to Accounts Receivable.`;
  return `${what}; the order waits for the gateway's clearing notification.`;
}

function PaymentFacts({ order, payments: p }: { order: Order; payments: OrderPayments | undefined }) {
  const card = order.payment.card;
  const m = (n: number) => formatMoney(n, order.currency);
  return (
    <div className="pay-facts">
      <dl className="od-facts">
        <dt>Method</dt>
        <dd>
          {paymentMethodLabel(order.payment.method)}
          {card && <> · <span className="od-card-brand">{card.brand}</span> •••• {card.last4} <span className="muted">exp {String(card.expMonth).padStart(2, '0')}/{String(card.expYear).slice(-2)}</span></>}
        </dd>
        <dt>Status</dt><dd><span className={`badge badge-${paymentFiguresTone(orderPaymentFigures(order))}`}>{paymentStatusText(orderPaymentFigures(order))}</span></dd>
        {order.payment.paidAt && <><dt>Paid on</dt><dd>{formatInstant(order.payment.paidAt)}</dd></>}
        {order.payment.reference && <><dt>Reference</dt><dd className="mono">{order.payment.reference}</dd></>}
      </dl>
      {p && (
        <dl className="figures pay-figures" aria-label="Payment figures">
          <div className="figure"><dt>Paid</dt><dd>{m(p.paid)}</dd></div>
          <div className="figure"><dt>Authorized</dt><dd>{m(p.authorized)}</dd></div>
          <div className="figure"><dt>Refunded</dt><dd>{m(p.refunded)}</dd></div>
          <div className="figure"><dt>Refundable</dt><dd>{m(p.refundable)}</dd></div>
        </dl>
      )}
    </div>
  );
}

const SHORT: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };

/**
 * Newest first; five columns so it fits beside the side panels: what, outcome, amount, the gateway's side, when and who.
 * `onResolve`, given to those who may act on the order, puts "Record outcome…" on each charge whose answer was lost for good;
 * `onCorrect`, given to the Pending Clearance desk, puts "Correct reference…" on a pending charge whose reference was typed by hand.
 */
function LedgerTable({ entries, paymentMethod, stage, onResolve, onCorrect }: {
  entries: readonly LedgerEntry[]; paymentMethod: string; stage: string;
  onResolve?: ((entry: LedgerEntry) => void) | undefined; onCorrect?: ((entry: LedgerEntry) => void) | undefined;
}) {
  if (!entries.length) return <p className="muted">No payment operations yet.</p>;
  const sorted = [...entries].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id));
  return (
    <div className="table-wrap pay-ledger">
      <table className="table table-compact" aria-label="Payment ledger">
        <thead>
          <tr>
            <th scope="col">Operation</th><th scope="col">Status</th><th scope="col" className="num">Amount</th>
            <th scope="col">Gateway</th><th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((e) => (
            <tr key={e.id} data-ledger-id={e.id}>
              <td>{LEDGER_KIND_LABEL[e.kind] ?? e.kind}{e.reason && <div className="muted pay-small">{e.reason}</div>}</td>
              <td>
                <span className={`badge badge-${ledgerTone(e.status)}`}>{LEDGER_STATUS_LABEL[e.status] ?? e.status}</span>
                {e.attempts > 1 && <div className="muted pay-small">{e.attempts} attempts</div>}
                {onResolve && isResolvableByHand(e, paymentMethod) && (
                  <div className="pay-resolve">
                    <button type="button" className="btn btn-secondary btn-sm" onClick={() => onResolve(e)}
                      title="Record what the gateway says happened to this charge">Record outcome…</button>
                  </div>
                )}
                {onCorrect && isReferenceCorrectable(e, stage) && (
                  <div className="pay-resolve">
                    <button type="button" className="btn btn-secondary btn-sm" onClick={() => onCorrect(e)}
                      title="The reference was typed in by hand: correct it if the gateway shows another">Correct reference…</button>
                  </div>
                )}
              </td>
              <td className="num">{isOutgoing(e.kind) ? '−' : ''}{formatMoney(e.amount, e.currency)}</td>
              <td className="pay-answer">
                <span className="mono pay-ref" title={`Gateway: ${e.gateway}`}>{e.gatewayReference ?? e.gateway}</span>
                {(e.message || e.declineCode) && (
                  <div className={e.status === 'declined' || e.status === 'failed' ? 'od-fail pay-small' : 'muted pay-small'}>
                    {e.message}{e.declineCode && <> ({e.declineCode})</>}
                  </div>
                )}
                {(e.avs || e.cvv) && (
                  <div className="muted pay-small">
                    {e.avs && <abbr title={avsText(e.avs)}>AVS {e.avs}</abbr>}{e.avs && e.cvv && ' · '}{e.cvv && <abbr title={cvvText(e.cvv)}>CVV {e.cvv}</abbr>}
                  </div>
                )}
              </td>
              <td className="pay-when">
                <time dateTime={e.createdAt} title={e.resolvedAt ? `Answered ${formatInstant(e.resolvedAt)}` : formatInstant(e.createdAt)}>{formatInstant(e.createdAt, SHORT)}</time>
                <div className="muted pay-small">{actorName(e.actor).name}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

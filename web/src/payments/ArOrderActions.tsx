import { useState } from 'react';
import { describeError } from '../app/api';
import { formatMoney } from '../app/format';
import { stageLabel } from '../orders/labels';
import type { Order } from '../orders/types';
import { MarkPaidDialog, PaymentRequestDialog } from './ArDialogs';
import { OFFLINE_METHODS, retryCharge, type OrderPayments, type RetryResult } from './payments-api';
import { useActionKey } from './use-action-key';

/** One retry's outcome in words; the queue's row and the order page say the same. */
export function retryOutcome(r: RetryResult): { ok: boolean | null; text: string } {
  switch (r.result) {
    case 'approved': return { ok: true, text: `Charged${r.stage ? `; moved to ${stageLabel(r.stage)}` : ''}` };
    case 'declined': return { ok: false, text: `Declined${r.message ? `: ${r.message}` : r.code ? ` (${r.code})` : ''}` };
    case 'refused': return { ok: false, text: `Not retried: ${r.message ?? r.code ?? 'refused'}` };
    default: return { ok: null, text: 'Sent; waiting for the gateway’s answer' };
  }
}

/** The Accounts Receivable actions on one order, in its payment panel. */
export function ArOrderActions({ order, payments, onChanged }: { order: Order; payments: OrderPayments; onChanged: (text: string) => void }) {
  const [dialog, setDialog] = useState<'paid' | 'request' | null>(null);
  const [retrying, setRetrying] = useState(false);
  const [result, setResult] = useState<{ ok: boolean | null; text: string } | null>(null);
  const action = useActionKey();
  const offline = OFFLINE_METHODS.has(order.payment.method);
  const due = Math.max(0, payments.total - payments.paid);
  // The API refuses a payment request beside a charge still unanswered (the pay page would say one is being processed).
  const inFlight = payments.entries.find((e) => (e.kind === 'sale' || e.kind === 'authorize') && (e.status === 'started' || e.status === 'unknown' || e.status === 'pending'));
  const requestBlocked = inFlight
    ? `A ${inFlight.kind === 'sale' ? 'charge' : 'authorization'} of ${formatMoney(inFlight.amount, inFlight.currency)} has no answer yet: record its outcome first, then send a payment request.`
    : null;

  const retry = async () => {
    setRetrying(true);
    setResult(null);
    try {
      const r = await retryCharge(order.orderId, action.key());
      action.settled();
      const outcome = retryOutcome(r);
      if (r.result === 'refused') setResult(outcome);
      else onChanged(`Retry: ${outcome.text}.`);
    } catch (e) {
      action.settled(e);
      setResult({ ok: false, text: describeError(e) });
    } finally {
      setRetrying(false);
    }
  };

  return (
    <div className="pay-ar" role="group" aria-label="Accounts Receivable actions">
      <span className="pay-ar-due">{formatMoney(due, payments.currency)} due</span>
      {!offline && order.payment.card && (
        <button type="button" className="btn btn-primary btn-sm" disabled={retrying} onClick={() => void retry()}>{retrying ? 'Charging…' : 'Retry charge'}</button>
      )}
      {offline && <button type="button" className="btn btn-primary btn-sm" onClick={() => setDialog('paid')}>Mark paid…</button>}
      <button type="button" className="btn btn-secondary btn-sm" disabled={requestBlocked !== null} title={requestBlocked ?? undefined}
        aria-describedby={requestBlocked ? 'pay-ar-request-blocked' : undefined} onClick={() => setDialog('request')}>Send payment request…</button>
      {requestBlocked && <span id="pay-ar-request-blocked" className="pay-small muted">{requestBlocked}</span>}
      {result && <span className={result.ok ? 'od-ok' : 'od-fail'} role="status">{result.text}</span>}
      {dialog === 'paid' && (
        <MarkPaidDialog orderId={order.orderId} method={order.payment.method} currency={payments.currency} due={due}
          onClose={() => setDialog(null)}
          onDone={(after) => { setDialog(null); onChanged(`Marked paid: ${formatMoney(after.paid, after.currency)} received.`); }} />
      )}
      {dialog === 'request' && <PaymentRequestDialog orderId={order.orderId} onClose={() => setDialog(null)} />}
    </div>
  );
}

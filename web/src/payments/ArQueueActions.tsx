import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../app/api';
import { formatMoney } from '../app/format';
import { refreshStageCounts } from '../app/stage-counts';
import type { RowStatus } from '../orders/OrdersTable';
import type { OrderListItem } from '../orders/types';
import { MarkPaidDialog, PaymentRequestDialog } from './ArDialogs';
import { retryOutcome } from './ArOrderActions';
import { OFFLINE_METHODS, retrySelection } from './payments-api';
import { useActionKey } from './use-action-key';

export interface ArOutcome { orderId: string; ok: boolean | null; text: string }
export interface ArRun { title: string; running: boolean; outcomes: ArOutcome[]; error: string | null }

/**
 * What the A/R actions did, order by order: shown on the rows while they are still in the queue, and
 * listed above it (a paid order leaves the queue, and its result must not leave with it).
 */
export function useArRun(onFinished: () => void) {
  const [run, setRun] = useState<ArRun | null>(null);
  const [rowStatus, setRowStatus] = useState<ReadonlyMap<string, RowStatus>>(new Map());
  /** Counts finished actions, so figures on the page (recovered revenue) know to read again. */
  const [finished, setFinished] = useState(0);
  const action = useActionKey();

  const finish = useCallback((title: string, outcomes: ArOutcome[]) => {
    setRun({ title, running: false, outcomes, error: null });
    setFinished((n) => n + 1);
    setRowStatus(new Map(outcomes.map((o) => [o.orderId, o.ok === null ? { state: 'queued' } : { state: o.ok ? 'moved' : 'failed', message: o.text }])));
    void refreshStageCounts();
    onFinished();
  }, [onFinished]);

  const retry = useCallback(async (orderIds: string[]) => {
    setRun({ title: `Retrying the charge of ${orderIds.length} ${orderIds.length === 1 ? 'order' : 'orders'}`, running: true, outcomes: [], error: null });
    setRowStatus(new Map(orderIds.map((id) => [id, { state: 'running' }])));
    try {
      // One key per click on the same selection; "Retry charge" again after a network failure repeats that click.
      const { results } = await retrySelection(orderIds, action.key(orderIds.join(' ')));
      action.settled();
      const approved = results.filter((r) => r.result === 'approved').length;
      finish(`Retry: ${approved} of ${results.length} charged`, results.map((r) => ({ orderId: r.orderId, ...retryOutcome(r) })));
    } catch (e) {
      action.settled(e);
      setRun({ title: 'The retry could not be sent', running: false, outcomes: [], error: describeError(e) });
      setRowStatus(new Map());
    }
  }, [finish, action]);

  const dismiss = useCallback(() => { setRun(null); setRowStatus(new Map()); }, []);
  return { run, rowStatus, retry, finish, dismiss, finished };
}

type ArRunState = ReturnType<typeof useArRun>;

/** Retry charge for the selection; Mark paid and Send payment request for one order at a time. */
export function ArSelectionActions({ picked, ar, disabled }: { picked: readonly OrderListItem[]; ar: ArRunState; disabled: boolean }) {
  const [dialog, setDialog] = useState<'paid' | 'request' | null>(null);
  const one = picked.length === 1 ? picked[0]! : null;
  const chargeable = picked.filter((o) => !OFFLINE_METHODS.has(o.paymentMethod));
  const busy = disabled || !!ar.run?.running;
  return (
    <>
      <button type="button" className="btn btn-primary btn-sm" disabled={busy || chargeable.length === 0}
        title={chargeable.length === 0 ? 'Offline payments are marked paid, not charged' : undefined}
        onClick={() => void ar.retry(chargeable.map((o) => o.orderId))}>
        Retry charge{picked.length > 1 ? ` (${chargeable.length})` : ''}
      </button>
      {one && OFFLINE_METHODS.has(one.paymentMethod) && (
        <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => setDialog('paid')}>Mark paid…</button>
      )}
      {one && <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => setDialog('request')}>Send payment request…</button>}
      {dialog === 'paid' && one && (
        <MarkPaidDialog orderId={one.orderId} method={one.paymentMethod} currency={one.currency} due={null} onClose={() => setDialog(null)}
          onDone={(after) => {
            setDialog(null);
            ar.finish('Marked paid', [{ orderId: one.orderId, ok: true, text: `Marked paid: ${formatMoney(after.paid, after.currency)} received` }]);
          }} />
      )}
      {dialog === 'request' && one && (
        <PaymentRequestDialog orderId={one.orderId} onClose={() => setDialog(null)}
          onDone={(made) => ar.finish('Payment request', [{ orderId: one.orderId, ok: true, text: `Pay link emailed to ${made.emailTo}` }])} />
      )}
    </>
  );
}

/** The last A/R action's result per order, above the queue. */
export function ArRunReport({ ar }: { ar: ArRunState }) {
  const { run } = ar;
  if (!run) return null;
  const failed = run.outcomes.some((o) => o.ok === false) || !!run.error;
  return (
    <div className={`od-run ${failed ? 'od-run-warn' : ''}`} role="status" aria-live="polite" aria-label="Accounts Receivable results">
      <span>{run.running ? <><span className="spinner" aria-hidden="true" /> {run.title}…</> : run.title}</span>
      {run.error && <span>{run.error}</span>}
      {run.outcomes.length > 0 && (
        <ul className="od-run-failures">
          {run.outcomes.map((o) => (
            <li key={o.orderId}>
              <Link to={`/orders/${encodeURIComponent(o.orderId)}`}>{o.orderId}</Link>:{' '}
              <span className={o.ok === true ? 'od-ok' : o.ok === false ? 'od-fail' : 'muted'}>{o.text}</span>
            </li>
          ))}
        </ul>
      )}
      {!run.running && <button type="button" className="btn btn-ghost btn-sm" onClick={ar.dismiss}>Dismiss</button>}
    </div>
  );
}

import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../app/api';
import { refreshStageCounts } from '../app/stage-counts';
import { stageLabel } from '../orders/labels';
import type { RowStatus } from '../orders/OrdersTable';
import { Dialog, TextField } from '../payments/Dialog';
import { approveOrder, blockCustomer, rejectOrder, type FraudAction } from './fraud-api';

const VERB: Record<FraudAction, string> = { approve: 'Approve', reject: 'Reject', block: 'Block customer' };

/** Runs one review action on one order; answers the line shown on its row. */
export async function runFraudAction(action: FraudAction, orderId: string, reason: string, block: boolean): Promise<string> {
  if (action === 'approve') return `Approved; moved to ${stageLabel((await approveOrder(orderId, reason)).stage)}`;
  if (action === 'reject') {
    const { blocked, refund } = await rejectOrder(orderId, reason, block);
    const money = refund.status === 'refunded' ? '; the money taken was refunded' : refund.status === 'pending' ? '; the refund is waiting for the gateway'
      : refund.status === 'failed' ? `; the refund failed${refund.message ? `: ${refund.message}` : ''}` : '';
    return `Rejected${blocked.length ? `; blocked ${blocked.map((b) => b.kind).join(', ')}` : ''}${money}`;
  }
  const { added } = await blockCustomer(orderId, reason);
  return added.length ? `Blocked ${added.map((a) => a.kind).join(', ')}` : 'Already blocked';
}

/** Reason (required: it goes into the order history) and, for a reject, whether to block the customer too. */
export function FraudActionDialog({ action, orderIds, onConfirm, onClose, error }: {
  action: FraudAction; orderIds: readonly string[]; onConfirm: (reason: string, block: boolean) => Promise<void>; onClose: () => void; error?: string | null;
}) {
  const [reason, setReason] = useState('');
  const [block, setBlock] = useState(false);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const what = orderIds.length === 1 ? orderIds[0]! : `${orderIds.length} orders`;
  const submit = async () => {
    if (!reason.trim()) { setMissing(true); return; }
    setBusy(true);
    try { await onConfirm(reason.trim(), block); } finally { setBusy(false); }
  };
  return (
    <Dialog title={`${VERB[action]}: ${what}`} confirmLabel={VERB[action]} danger={action !== 'approve'} busy={busy}
      onClose={onClose} onSubmit={() => void submit()}>
      {action === 'approve' && <p className="muted">The order continues as if it had passed the fraud check: its payment is taken and it moves on.</p>}
      {action === 'block' && <p className="muted">Adds the customer’s email, IP address, card and address to the block lists; future orders from them are held. The order stays here.</p>}
      <TextField label={<>Reason <span className="muted od-normal">(required; kept in the order history)</span></>} value={reason} multiline autoFocus required maxLength={500}
        error={missing ? 'Give a reason.' : undefined} onChange={(v) => { setReason(v); setMissing(false); }} />
      {action === 'reject' && (
        <label className="checkbox">
          <input type="checkbox" checked={block} onChange={(e) => setBlock(e.target.checked)} /> Also block this customer
        </label>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
    </Dialog>
  );
}

export interface FraudRun { action: FraudAction; total: number; done: number; results: { orderId: string; ok: boolean; text: string }[]; finished: boolean }

/** Acts on the picked orders one at a time (each its own transaction and history entry): one refusal fails alone. */
export function useFraudRun(onFinished: () => void) {
  const [run, setRun] = useState<FraudRun | null>(null);
  const [rowStatus, setRowStatus] = useState<ReadonlyMap<string, RowStatus>>(new Map());
  const start = useCallback(async (action: FraudAction, orderIds: readonly string[], reason: string, block: boolean) => {
    const state: FraudRun = { action, total: orderIds.length, done: 0, results: [], finished: false };
    setRun({ ...state });
    setRowStatus(new Map(orderIds.map((id) => [id, { state: 'queued' }])));
    for (const id of orderIds) {
      setRowStatus((m) => new Map(m).set(id, { state: 'running' }));
      try {
        const text = await runFraudAction(action, id, reason, block);
        state.results.push({ orderId: id, ok: true, text });
        setRowStatus((m) => new Map(m).set(id, { state: 'moved', message: text }));
      } catch (e) {
        const text = describeError(e);
        state.results.push({ orderId: id, ok: false, text });
        setRowStatus((m) => new Map(m).set(id, { state: 'failed', message: text }));
      }
      state.done++;
      setRun({ ...state });
    }
    state.finished = true;
    setRun({ ...state });
    void refreshStageCounts();
    onFinished();
  }, [onFinished]);
  const dismiss = useCallback(() => { setRun(null); setRowStatus(new Map()); }, []);
  return { run, rowStatus, start, dismiss };
}

type FraudRunState = ReturnType<typeof useFraudRun>;

/** Approve, Reject and Block customer for the picked orders of the Fraud Review queue. */
export function FraudSelectionActions({ orderIds, fraud, disabled }: { orderIds: readonly string[]; fraud: FraudRunState; disabled: boolean }) {
  const [action, setAction] = useState<FraudAction | null>(null);
  const busy = disabled || (!!fraud.run && !fraud.run.finished);
  const button = (a: FraudAction, className: string) => (
    <button type="button" className={`btn ${className} btn-sm`} disabled={busy} onClick={() => setAction(a)}>{VERB[a]}</button>
  );
  return (
    <>
      {button('approve', 'btn-primary')}
      {button('reject', 'btn-danger')}
      {button('block', 'btn-secondary')}
      {action && (
        <FraudActionDialog action={action} orderIds={orderIds} onClose={() => setAction(null)}
          onConfirm={async (reason, block) => { const ids = [...orderIds]; setAction(null); await fraud.start(action, ids, reason, block); }} />
      )}
    </>
  );
}

export function FraudRunReport({ fraud }: { fraud: FraudRunState }) {
  const { run } = fraud;
  if (!run) return null;
  const failed = run.results.filter((r) => !r.ok);
  return (
    <div className={`od-run ${run.finished && failed.length ? 'od-run-warn' : ''}`} role="status" aria-live="polite" aria-label="Fraud Review results">
      {!run.finished
        ? <span>{VERB[run.action]}: {run.done} of {run.total}</span>
        : <span>{VERB[run.action]}: {run.total - failed.length} of {run.total} done{failed.length > 0 && <>; {failed.length} refused</>}.</span>}
      {run.results.length > 0 && (
        <ul className="od-run-failures">
          {run.results.map((r) => (
            <li key={r.orderId}><Link to={`/orders/${encodeURIComponent(r.orderId)}`}>{r.orderId}</Link>: <span className={r.ok ? 'od-ok' : 'od-fail'}>{r.text}</span></li>
          ))}
        </ul>
      )}
      {run.finished && <button type="button" className="btn btn-ghost btn-sm" onClick={fraud.dismiss}>Dismiss</button>}
    </div>
  );
}

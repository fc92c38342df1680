import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Stage } from '../app/departments';
import { moveLabel, stageLabel } from './labels';
import type { OrderListItem } from './types';
import type { MoveRun } from './use-bulk-move';

/** The moves every picked order allows (the stage machine's answer per order, intersected). */
function commonMoves(picked: readonly OrderListItem[]): Stage[] {
  if (!picked.length) return [];
  return picked[0]!.allowedMoves.filter((to) => picked.every((o) => o.allowedMoves.includes(to)));
}

/**
 * What is picked and what can be done with it; Reject last, set apart. A department's own actions
 * (`extra`: A/R's retry, Fraud Review's approve) come first; `omit` drops moves they replace.
 */
export function SelectionBar({ picked, onMove, onClear, disabled, extra, omit = [] }: {
  picked: readonly OrderListItem[]; onMove: (to: Stage) => void; onClear: () => void; disabled: boolean;
  extra?: ReactNode; omit?: readonly Stage[];
}) {
  if (!picked.length) return <span className="muted">Select orders to {extra ? 'act on' : 'move'} them.</span>;
  const moves = commonMoves(picked).filter((m) => !omit.includes(m));
  const from = picked.every((o) => o.stage === picked[0]!.stage) ? picked[0]!.stage : null;
  const ordinary = moves.filter((m) => m !== 'rejected');
  return (
    <div className="od-selection-bar" role="toolbar" aria-label="Actions on the selected orders">
      <strong>{picked.length} selected</strong>
      {extra}
      {ordinary.map((to) => (
        <button key={to} type="button" className="btn btn-secondary btn-sm" disabled={disabled} onClick={() => onMove(to)}>{moveLabel(from, to)}</button>
      ))}
      {moves.includes('rejected') && (
        <button type="button" className="btn btn-danger btn-sm" disabled={disabled} onClick={() => onMove('rejected')}>Reject</button>
      )}
      {moves.length === 0 && !extra && <span className="muted">These orders have no move in common; select fewer.</span>}
      <button type="button" className="btn btn-ghost btn-sm" onClick={onClear}>Clear selection</button>
    </div>
  );
}

/**
 * Progress while a batch runs, then its outcome: moved orders leave the queue; each failure is listed once,
 * and marked on its row too when the order is still in the list (one moved elsewhere meanwhile is not).
 */
export function MoveProgress({ run, listed, onStop, onDismiss }: {
  run: MoveRun; listed: ReadonlySet<string>; onStop: () => void; onDismiss: () => void;
}) {
  const percent = run.total ? Math.round((run.done / run.total) * 100) : 100;
  const marked = run.failed.filter((f) => listed.has(f.orderId)).length;
  const where = marked === run.failed.length ? 'marked in the list' : marked === 0 ? 'listed below' : `listed below; ${marked} marked in the list`;
  return (
    <div className={`od-run ${run.finished && run.failed.length ? 'od-run-warn' : ''}`} role="status" aria-live="polite">
      {!run.finished ? (
        <>
          <span>Moving to {stageLabel(run.to)}: {run.done} of {run.total}</span>
          <progress max={run.total} value={run.done} aria-label="Moves done">{percent}%</progress>
          <button type="button" className="btn btn-ghost btn-sm" onClick={onStop}>Stop after this order</button>
        </>
      ) : (
        <>
          <span>
            {run.moved.length} of {run.total} moved to {stageLabel(run.to)}
            {run.failed.length > 0 && <>; {run.failed.length} could not be moved ({where})</>}
            {run.stopped && <>; stopped before the rest</>}.
          </span>
          {run.failed.length > 0 && (
            <ul className="od-run-failures">
              {run.failed.map((f) => (
                <li key={f.orderId}>
                  <Link to={`/orders/${encodeURIComponent(f.orderId)}`}>{f.orderId}</Link>: {f.message}
                  {!listed.has(f.orderId) && <span className="muted"> (no longer in this list)</span>}
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="btn btn-ghost btn-sm" onClick={onDismiss}>Dismiss</button>
        </>
      )}
    </div>
  );
}

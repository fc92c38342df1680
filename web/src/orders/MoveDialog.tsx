import { useEffect, useId, useRef, useState, type FormEvent } from 'react';

/** Money a reject would keep: paid and not refunded. */
export interface HeldMoney {
  /** "$57.95" */
  amount: string;
  /** Opens the refund with "then reject" chosen; absent when the user may not refund. */
  onRefundFirst?: (() => void) | undefined;
}

interface Props {
  /** "Move 3 orders to Hold", "Reject OD-1004". */
  title: string;
  orderIds: readonly string[];
  danger?: boolean;
  confirmLabel: string;
  /** Resolves when done; a rejection's message is shown in the dialog, which stays open. */
  onConfirm: (reason: string, keepPayment: boolean) => Promise<void> | void;
  onClose: () => void;
  error?: string | null;
  /** A reject of an order holding paid money: warn, offer the refund first, or keep the payment knowingly. */
  held?: HeldMoney | null | undefined;
}

/**
 * The reason prompt every stage move goes through: the reason is written into each order's history,
 * so it is required. A native modal <dialog> keeps focus inside and closes on Escape.
 */
export function MoveDialog({ title, orderIds, danger = false, confirmLabel, onConfirm, onClose, error, held }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const keepRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [keep, setKeep] = useState(false);
  const [keepMissing, setKeepMissing] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) { setMissing(true); reasonRef.current?.focus(); return; }
    if (held && !keep) { setKeepMissing(true); keepRef.current?.focus(); return; }
    setBusy(true);
    try { await onConfirm(reason.trim(), !!held && keep); } finally { setBusy(false); }
  };

  const shown = orderIds.slice(0, 8);
  return (
    <dialog ref={ref} className="od-dialog" aria-labelledby={`${id}-t`} onCancel={(e) => { e.preventDefault(); if (!busy) onClose(); }}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={`${id}-t`}>{title}</h2>
        {orderIds.length > 1 && (
          <p className="muted od-dialog-orders">
            {shown.join(', ')}{orderIds.length > shown.length ? ` and ${orderIds.length - shown.length} more` : ''}
          </p>
        )}
        {held && (
          <div className="alert alert-warning od-held" role="note">
            <p><strong>{held.amount} was paid and has not been refunded.</strong> Rejecting does not give it back.</p>
            {held.onRefundFirst && (
              <button type="button" className="btn btn-primary btn-sm" onClick={held.onRefundFirst} disabled={busy}>Refund then reject…</button>
            )}
          </div>
        )}
        <label htmlFor={id} className="field-label">Reason <span className="muted od-normal">(required; kept in the order history)</span></label>
        <textarea id={id} ref={reasonRef} value={reason} rows={3} maxLength={1000} autoFocus aria-required="true"
          aria-invalid={missing ? true : undefined} aria-describedby={missing ? `${id}-e` : undefined}
          onChange={(e) => { setReason(e.target.value); setMissing(false); }} />
        {missing && <p className="field-error" id={`${id}-e`}>Give a reason for the move.</p>}
        {held && (
          <>
            <label className="checkbox">
              <input ref={keepRef} type="checkbox" checked={keep} aria-invalid={keepMissing ? true : undefined}
                aria-describedby={keepMissing ? `${id}-k` : undefined}
                onChange={(e) => { setKeep(e.target.checked); setKeepMissing(false); }} />
              Keep the payment (refund it elsewhere or later)
            </label>
            {keepMissing && <p className="field-error" id={`${id}-k`}>Refund first, or tick “Keep the payment” to reject without refunding.</p>}
          </>
        )}
        {error && <p className="field-error" role="alert">{error}</p>}
        <div className="od-dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>{busy ? 'Working…' : confirmLabel}</button>
        </div>
      </form>
    </dialog>
  );
}

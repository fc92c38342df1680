import { useEffect, useId, useRef, useState, type FormEvent } from 'react';

interface Props {
  /** "Move 3 orders to Hold", "Reject OD-1004". */
  title: string;
  orderIds: readonly string[];
  danger?: boolean;
  confirmLabel: string;
  /** Resolves when done; a rejection's message is shown in the dialog, which stays open. */
  onConfirm: (reason: string) => Promise<void> | void;
  onClose: () => void;
  error?: string | null;
}

/**
 * The reason prompt every stage move goes through: the reason is written into each order's history,
 * so it is required. A native modal <dialog> keeps focus inside and closes on Escape.
 */
export function MoveDialog({ title, orderIds, danger = false, confirmLabel, onConfirm, onClose, error }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) { setMissing(true); return; }
    setBusy(true);
    try { await onConfirm(reason.trim()); } finally { setBusy(false); }
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
        <label htmlFor={id} className="field-label">Reason <span className="muted od-normal">(required; kept in the order history)</span></label>
        <textarea id={id} value={reason} rows={3} maxLength={1000} autoFocus aria-required="true"
          aria-invalid={missing ? true : undefined} aria-describedby={missing ? `${id}-e` : undefined}
          onChange={(e) => { setReason(e.target.value); setMissing(false); }} />
        {missing && <p className="field-error" id={`${id}-e`}>Give a reason for the move.</p>}
        {error && <p className="field-error" role="alert">{error}</p>}
        <div className="od-dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>{busy ? 'Working…' : confirmLabel}</button>
        </div>
      </form>
    </dialog>
  );
}

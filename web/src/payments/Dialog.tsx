import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { ApiError, describeError } from '../app/api';

/*
 * The modal form the payment and fraud actions share, drawn like the stage-move dialog (.od-dialog):
 * a native <dialog> keeps focus inside and closes on Escape, unless a request is running.
 */
interface DialogProps {
  title: string;
  /** Omit for a dialog that only shows a result (then the close button is the only action). */
  confirmLabel?: string;
  danger?: boolean;
  busy?: boolean;
  onSubmit?: () => void;
  onClose: () => void;
  closeLabel?: string;
  wide?: boolean;
  children: ReactNode;
}

export function Dialog({ title, confirmLabel, danger = false, busy = false, onSubmit, onClose, closeLabel = 'Cancel', wide = false, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!busy) onSubmit?.();
  };
  return (
    <dialog ref={ref} className={`od-dialog${wide ? ' pay-dialog-wide' : ''}`} aria-labelledby={`${id}-t`}
      onCancel={(e) => { e.preventDefault(); if (!busy) onClose(); }}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-t`}>{title}</h2>
        {children}
        <div className="od-dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose} disabled={busy}>{closeLabel}</button>
          {confirmLabel && (
            <button type="submit" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy} aria-busy={busy || undefined}>
              {busy ? 'Working…' : confirmLabel}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}

/** The server's message for one field (`/reference`), when it named that field as the one at fault. */
export function fieldError(error: unknown, ...fields: string[]): string | undefined {
  if (!(error instanceof ApiError) || !error.problem.field || !fields.includes(error.problem.field)) return undefined;
  return describeError(error).replace(/^\/[\w/]+\s+/, '');
}

/** The error above a form's buttons, unless it is already shown next to its field. */
export function FormProblem({ error, fields = [] }: { error: unknown; fields?: readonly string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && error.problem.field && fields.includes(error.problem.field)) return null;
  return <p className="field-error" role="alert">{describeError(error)}</p>;
}

interface InputProps {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  multiline?: boolean;
  required?: boolean;
  inputMode?: 'decimal' | 'numeric' | 'text';
  maxLength?: number;
  autoFocus?: boolean;
  className?: string;
}

/** A labelled input or textarea with its hint and its error, wired for screen readers. */
export function TextField({ label, value, onChange, error, hint, multiline = false, required = false, inputMode, maxLength, autoFocus, className }: InputProps) {
  const id = useId();
  const described = [error ? `${id}-e` : '', hint ? `${id}-h` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id, value, maxLength, autoFocus, 'aria-invalid': error ? true : undefined, 'aria-describedby': described,
    'aria-required': required || undefined,
  };
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id} className="field-label">{label}</label>
      {multiline
        ? <textarea {...common} className="textarea" rows={3} onChange={(e) => onChange(e.target.value)} />
        : <input {...common} className="input" inputMode={inputMode} onChange={(e) => onChange(e.target.value)} />}
      {hint && <span className="field-hint" id={`${id}-h`}>{hint}</span>}
      {error && <span className="field-error" id={`${id}-e`}>{error}</span>}
    </div>
  );
}

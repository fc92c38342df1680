import { useId, useState, type ReactNode } from 'react';
import { ApiError, apiRequest, describeError } from '../../app/api';
import type { Order } from '../types';
import { isStale, type OrderState } from '../use-order';

/**
 * The save of an edit form: one PATCH of the order with the version the form was opened on (a change
 * by someone else since then is refused and shown as "reload"), with the form's busy and error state.
 */
export function useOrderPatch(order: Order, state: OrderState, onDone: () => void) {
  const [openedOn] = useState(order.version);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const patch = async (body: unknown) => {
    setBusy(true);
    setError(null);
    try {
      await state.write((ifMatch) => apiRequest<Order>(`/orders/${encodeURIComponent(order.orderId)}`, {
        method: 'PATCH', headers: { 'if-match': ifMatch }, body,
      }), { basedOn: openedOn });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, patch };
}

/** The message for one input when the API named it as the field at fault (`/billing/postalCode`). */
export function errorAt(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError) || error.problem.field !== path) return undefined;
  return describeError(error).replace(/^\/[\w/]+\s+/, '');
}

/**
 * What a form shows above its buttons when a save failed: nothing for a stale version (the page-wide
 * "someone else changed this order" banner says it) or for an error already shown at its field.
 */
export function FormError({ error, paths }: { error: unknown; paths: readonly string[] }) {
  if (!error || isStale(error)) return null;
  if (error instanceof ApiError && error.problem.field && paths.includes(error.problem.field)) return null;
  return <p className="field-error" role="alert">{describeError(error)}</p>;
}

interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  type?: string;
  className?: string;
  inputMode?: 'decimal' | 'numeric' | 'text' | 'email' | 'tel';
  maxLength?: number;
  placeholder?: string;
  required?: boolean;
  children?: ReactNode;
}

export function Field({ label, value, onChange, error, type = 'text', className, inputMode, maxLength, placeholder, required }: FieldProps) {
  const id = useId();
  return (
    <div className={`field od-field ${className ?? ''}`}>
      <label htmlFor={id} className="field-label">{label}{required && <span aria-hidden="true"> *</span>}</label>
      <input id={id} className="input" type={type} value={value} inputMode={inputMode} maxLength={maxLength} placeholder={placeholder}
        aria-required={required || undefined} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-e` : undefined}
        onChange={(e) => onChange(e.target.value)} />
      {error && <span className="field-error" id={`${id}-e`}>{error}</span>}
    </div>
  );
}

/** A panel of the order page: a titled card with optional actions at the right of its header. */
export function Panel({ title, actions, children, className }: { title: string; actions?: ReactNode; children: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section className={`panel od-panel ${className ?? ''}`} aria-labelledby={id}>
      <header className="panel-header">
        <h2 className="panel-title" id={id}>{title}</h2>
        {actions && <div className="od-panel-actions">{actions}</div>}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}

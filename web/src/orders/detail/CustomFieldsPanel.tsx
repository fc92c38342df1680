import { useState, type FormEvent } from 'react';
import type { Order } from '../types';
import type { OrderState } from '../use-order';
import { errorAt, Field, FormError, Panel, useOrderPatch } from './form-bits';

const KEYS = Array.from({ length: 10 }, (_, i) => `custom${i + 1}`);

function CustomFieldsForm({ order, state, onDone }: { order: Order; state: OrderState; onDone: () => void }) {
  const [draft, setDraft] = useState<Record<string, string>>(() => ({ ...order.customFields }));
  const { busy, error, patch } = useOrderPatch(order, state, onDone);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    // The API merges by key: all ten are sent, and an emptied one as "" clears it.
    await patch({ customFields: Object.fromEntries(KEYS.map((k) => [k, (draft[k] ?? '').trim()])) });
  };

  return (
    <form onSubmit={(e) => void save(e)} aria-label="Edit custom fields" noValidate>
      <div className="form-grid">
        {KEYS.map((k, i) => (
          <Field key={k} label={`Custom ${i + 1}`} value={draft[k] ?? ''} maxLength={500} error={errorAt(error, `/customFields/${k}`)}
            onChange={(v) => setDraft((d) => ({ ...d, [k]: v }))} />
        ))}
      </div>
      <FormError error={error} paths={KEYS.map((k) => `/customFields/${k}`)} />
      <div className="od-form-actions">
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>{busy ? 'Saving…' : 'Save fields'}</button>
        <button type="button" className="btn btn-secondary btn-sm" onClick={onDone} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}

export function CustomFieldsPanel({ order, state, canEdit }: { order: Order; state: OrderState; canEdit: boolean }) {
  const [editing, setEditing] = useState(false);
  const filled = KEYS.filter((k) => order.customFields[k]);
  return (
    <Panel title="Custom fields"
      actions={canEdit && !editing && <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(true)}>Edit</button>}>
      {editing
        ? <CustomFieldsForm order={order} state={state} onDone={() => setEditing(false)} />
        : filled.length === 0
          ? <p className="muted">None set.</p>
          : (
            <dl className="od-facts">
              {filled.map((k) => <div key={k} className="od-fact"><dt>Custom {k.slice(6)}</dt><dd>{order.customFields[k]}</dd></div>)}
            </dl>
          )}
    </Panel>
  );
}

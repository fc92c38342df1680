import { useId, useState, type FormEvent } from 'react';
import { apiRequest, describeError } from '../../app/api';
import { formatInstant } from '../../app/format';
import { actorName } from '../labels';
import type { Order } from '../types';
import type { OrderState } from '../use-order';
import { errorAt, Panel } from './form-bits';

const path = (order: Order, rest = '') => `/orders/${encodeURIComponent(order.orderId)}${rest}`;

/** Tags are added and removed one by one on the server under the row lock, so two people tagging both keep theirs. */
export function TagsPanel({ order, state, canEdit }: { order: Order; state: OrderState; canEdit: boolean }) {
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (send: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try { await send(); } catch (e) { setError(errorAt(e, '/tags') ?? describeError(e)); } finally { setBusy(false); }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    const tags = text.split(',').map((t) => t.trim()).filter(Boolean);
    if (!tags.length) return;
    void run(async () => {
      await state.write(() => apiRequest<Order>(path(order, '/tags'), { method: 'POST', body: { tags } }));
      setText('');
    });
  };
  const remove = (tag: string) => void run(() =>
    state.write(() => apiRequest<Order>(path(order, `/tags/${encodeURIComponent(tag)}`), { method: 'DELETE' })));

  return (
    <Panel title="Tags">
      {order.tags.length === 0 && <p className="muted">No tags.</p>}
      <ul className="od-tag-list" aria-label="Tags">
        {order.tags.map((t) => (
          <li key={t} className="od-tag">
            {t}
            {canEdit && <button type="button" aria-label={`Remove tag ${t}`} disabled={busy} onClick={() => remove(t)}>×</button>}
          </li>
        ))}
      </ul>
      {canEdit && (
        <form className="od-inline-form" onSubmit={add}>
          <label htmlFor={id} className="visually-hidden">Add tags</label>
          <input id={id} className="input" value={text} onChange={(e) => setText(e.target.value)} placeholder="Add tags, comma-separated" maxLength={200} />
          <button type="submit" className="btn btn-secondary btn-sm" disabled={busy || !text.trim()}>Add</button>
        </form>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
    </Panel>
  );
}

/** Notes are appended, never edited; the newest is shown first. */
export function NotesPanel({ order, state, canEdit }: { order: Order; state: OrderState; canEdit: boolean }) {
  const id = useId();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const notes = [...order.notes].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await state.write(() => apiRequest<Order>(path(order, '/notes'), { method: 'POST', body: { body: body.trim() } }), { bumps: 0 });
      setBody('');
    } catch (err) {
      setError(errorAt(err, '/body') ?? describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title={`Merchant notes (${order.notes.length})`}>
      {canEdit && (
        <form className="od-note-form" onSubmit={(e) => void add(e)}>
          <label htmlFor={id} className="visually-hidden">New note</label>
          <textarea id={id} className="textarea" rows={2} value={body} maxLength={5000} placeholder="Add a note for your colleagues (customers never see it)"
            onChange={(e) => setBody(e.target.value)} />
          <button type="submit" className="btn btn-secondary btn-sm" disabled={busy || !body.trim()}>{busy ? 'Adding…' : 'Add note'}</button>
          {error && <p className="field-error" role="alert">{error}</p>}
        </form>
      )}
      {notes.length === 0 ? <p className="muted">No notes yet.</p> : (
        <ol className="od-notes">
          {notes.map((n) => (
            <li key={n.id}>
              <p className="od-note-body">{n.body}</p>
              <p className="od-note-meta muted">{actorName(n.actor).name} · <time dateTime={n.createdAt}>{formatInstant(n.createdAt)}</time></p>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { api } from '../app/api';
import { classifyQuickSearch, knownOrderPrefix, learnOrderPrefix, QUICK_KIND_LABEL, type QuickKind } from './search-state';
import type { OrderPage } from './types';

/** The order-id prefix is server configuration; one tiny request learns it if no list has shown an order yet. */
async function ensureOrderPrefix(): Promise<void> {
  if (knownOrderPrefix() !== null) return;
  try {
    learnOrderPrefix((await api<OrderPage>('/orders?limit=1')).items[0]?.orderId);
  } catch {
    // Without it the default prefix is assumed; the search still runs.
  }
}

/** One box for what people have in hand: an order id, an email, a name or a SKU. */
export function QuickSearch({ onSearch }: { onSearch: (kind: QuickKind, value: string) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const guess = classifyQuickSearch(text);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await ensureOrderPrefix();
    const found = classifyQuickSearch(text);
    if (found) onSearch(found.kind, found.value);
  };

  return (
    <form className="od-quick" role="search" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id} className="field-label">Quick search</label>
      <div className="od-quick-row">
        <input id={id} className="input" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Order id, email, name or SKU"
          aria-describedby={`${id}-hint`} autoComplete="off" />
        <button type="submit" className="btn btn-primary" disabled={!guess}>Find</button>
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        @ → email (@acme.com: everyone there) · 1004, {knownOrderPrefix() ?? 'OD-'}1004 or {knownOrderPrefix() ?? 'OD-'}10* → order id · a word with a digit → SKU · words → name
      </p>
      <p className="od-quick-guess" aria-live="polite">
        {guess && <>Searches by <strong>{QUICK_KIND_LABEL[guess.kind]}</strong> for <code>{guess.value}</code></>}
      </p>
    </form>
  );
}

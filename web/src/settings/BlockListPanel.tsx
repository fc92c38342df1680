import { useState, type FormEvent } from 'react';
import { api, describeError } from '../app/api';
import { formatInstant } from '../app/format';
import { useCursorPages } from './SettingsBits';
import { EmptyState, ErrorState, Loading } from '../app/ui';
import type { Block } from '../fraud/fraud-api';
import { actorName } from '../orders/labels';
import { fieldError, FormProblem, TextField } from '../payments/Dialog';

const KINDS = [['email', 'Email or @domain'], ['ip', 'IP address or range (CIDR)'], ['card', 'Card (vault token)'], ['address', 'Address']] as const;
const VALUE_HINT: Partial<Record<Kind, string>> = {
  card: 'The vault token (tok_…) the order was paid with: payment.card.token of the order in the API. It blocks the card itself, whatever token it comes with. "Block customer" on an order in Fraud Review blocks its card too.',
};
type Kind = (typeof KINDS)[number][0];

/** The block lists the blocked_* rules read: add an entry, remove one. Reviewers keep them (fraud_review:act). */
export function BlockListPanel({ canEdit }: { canEdit: boolean }) {
  const { page, pager, toFirst } = useCursorPages<Block>('/fraud/blocks?limit=25');
  const [removing, setRemoving] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const remove = async (block: Block) => {
    setRemoving(block.id);
    setError(null);
    try {
      await api(`/fraud/blocks/${block.id}`, { method: 'DELETE' });
      page.reload(true);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setRemoving(null);
    }
  };

  return (
    <section className="panel st-blocks" aria-labelledby="blocks-title">
      <header className="panel-header">
        <div>
          <h2 className="panel-title" id="blocks-title">Block list</h2>
          <p className="panel-subtitle">Orders matching an entry score the points of its blocked_… rule.</p>
        </div>
      </header>
      <div className="panel-body">
        {canEdit && <AddBlockForm onAdded={() => { toFirst(); page.reload(true); }} />}
        {error && <p className="field-error" role="alert">{error}</p>}
        {page.error && !page.data ? <ErrorState error={page.error} onRetry={() => page.reload()} title="Could not load the block list" />
          : !page.data ? <Loading />
            : page.data.items.length === 0 ? <EmptyState title="Nothing is blocked" />
              : (
                <div className="table-wrap">
                  <table className="table table-compact" aria-label="Blocked">
                    <thead><tr><th scope="col">Kind</th><th scope="col">Value</th><th scope="col">Reason</th><th scope="col">Added</th>{canEdit && <th scope="col"><span className="visually-hidden">Remove</span></th>}</tr></thead>
                    <tbody>
                      {page.data.items.map((b) => (
                        <tr key={b.id}>
                          <td>{b.kind}</td>
                          <td className="st-block-value">
                            {b.label ? <>{b.label} <span className="mono muted st-block-fingerprint" title={b.value}>{b.value.slice(0, 8)}…</span></>
                              : <span className="mono">{b.kind === 'card' ? <span title={b.value}>Card {b.value.slice(0, 8)}…</span> : b.value}</span>}
                          </td>
                          <td>{b.reason}</td>
                          <td className="nowrap">{formatInstant(b.createdAt)} <span className="muted">by {actorName(b.createdBy).name}</span></td>
                          {canEdit && (
                            <td><button type="button" className="btn btn-ghost btn-sm" disabled={removing === b.id} aria-label={`Remove ${b.kind} ${b.label ?? b.value}`} onClick={() => void remove(b)}>Remove</button></td>
                          )}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
        {pager}
      </div>
    </section>
  );
}

function AddBlockForm({ onAdded }: { onAdded: () => void }) {
  const [kind, setKind] = useState<Kind>('email');
  const [value, setValue] = useState('');
  const [address, setAddress] = useState({ line1: '', postalCode: '', country: '' });
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const what = kind === 'address'
        ? { address: { line1: address.line1.trim(), country: address.country.trim().toUpperCase(), ...(address.postalCode.trim() ? { postalCode: address.postalCode.trim() } : {}) } }
        : { value: value.trim() };
      await api('/fraud/blocks', { method: 'POST', body: { kind, ...what, reason: reason.trim() } });
      setValue('');
      setAddress({ line1: '', postalCode: '', country: '' });
      setReason('');
      onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fields = ['/value', '/address', '/address/line1', '/address/postalCode', '/address/country', '/reason', '/kind'];
  return (
    <form className="st-add-block" onSubmit={(e) => void submit(e)} aria-label="Add to the block list" noValidate>
      <div className="field">
        <label className="field-label" htmlFor="block-kind">Block</label>
        <select id="block-kind" className="select" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {KINDS.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
        </select>
      </div>
      {kind === 'address' ? (
        <>
          <TextField label="Street line" value={address.line1} onChange={(v) => setAddress((a) => ({ ...a, line1: v }))} error={fieldError(error, '/address', '/address/line1')} />
          <TextField label="Postal code" value={address.postalCode} onChange={(v) => setAddress((a) => ({ ...a, postalCode: v }))} error={fieldError(error, '/address/postalCode')} />
          <TextField label="Country" value={address.country} maxLength={2} onChange={(v) => setAddress((a) => ({ ...a, country: v }))} error={fieldError(error, '/address/country')} />
        </>
      ) : (
        <TextField label={kind === 'card' ? 'Card token' : 'Value'} value={value} onChange={setValue} maxLength={300} error={fieldError(error, '/value')}
          {...(VALUE_HINT[kind] ? { hint: VALUE_HINT[kind] } : {})} />
      )}
      <TextField label="Reason" value={reason} onChange={setReason} maxLength={500} error={fieldError(error, '/reason')} />
      <button type="submit" className="btn btn-secondary" disabled={busy}>{busy ? 'Adding…' : 'Add'}</button>
      <FormProblem error={error} fields={fields} />
    </form>
  );
}

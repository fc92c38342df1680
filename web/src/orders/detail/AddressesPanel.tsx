import { useState, type FormEvent } from 'react';
import type { Address, Order } from '../types';
import type { OrderState } from '../use-order';
import { errorAt, Field, FormError, Panel, useOrderPatch } from './form-bits';

type Which = 'billing' | 'shipping';
const FIELDS: { key: keyof Address; label: string; required?: boolean; wide?: boolean; max: number }[] = [
  { key: 'firstName', label: 'First name', required: true, max: 100 },
  { key: 'lastName', label: 'Last name', required: true, max: 100 },
  { key: 'company', label: 'Company', wide: true, max: 200 },
  { key: 'line1', label: 'Address line 1', required: true, wide: true, max: 200 },
  { key: 'line2', label: 'Address line 2', wide: true, max: 200 },
  { key: 'city', label: 'City', required: true, max: 100 },
  { key: 'region', label: 'State / region', max: 100 },
  { key: 'postalCode', label: 'Postal code', max: 20 },
  { key: 'country', label: 'Country code', required: true, max: 2 },
  { key: 'phone', label: 'Phone', wide: true, max: 40 },
];

function AddressView({ address }: { address: Address }) {
  return (
    <address className="od-address">
      <strong>{[address.firstName, address.lastName].filter(Boolean).join(' ')}</strong>
      {address.company && <span>{address.company}</span>}
      <span>{address.line1}</span>
      {address.line2 && <span>{address.line2}</span>}
      <span>{[address.postalCode, address.city, address.region].filter(Boolean).join(' ')}</span>
      <span>{address.country}</span>
      {address.phone && <span><a href={`tel:${address.phone}`}>{address.phone}</a></span>}
    </address>
  );
}

/** Only what the schema accepts: empty optional parts are left out, the country upper-cased. */
function addressBody(draft: Record<string, string>): Address {
  const out: Record<string, string> = {};
  for (const f of FIELDS) {
    const v = (draft[f.key] ?? '').trim();
    if (v || f.required) out[f.key] = f.key === 'country' ? v.toUpperCase() : v;
  }
  return out as unknown as Address;
}

function AddressForm({ which, order, state, onDone }: { which: Which; order: Order; state: OrderState; onDone: () => void }) {
  const [draft, setDraft] = useState<Record<string, string>>(() => ({ ...order[which] }) as Record<string, string>);
  const { busy, error, patch } = useOrderPatch(order, state, onDone);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    await patch({ [which]: addressBody(draft) });
  };

  return (
    <form className="od-address-form" onSubmit={(e) => void save(e)} aria-label={`Edit ${which} address`} noValidate>
      <div className="form-grid">
        {FIELDS.map((f) => (
          <Field key={f.key} label={f.label} value={draft[f.key] ?? ''} required={f.required} maxLength={f.max}
            className={f.wide ? 'od-wide' : undefined} type={f.key === 'phone' ? 'tel' : 'text'}
            error={errorAt(error, `/${which}/${f.key}`)} onChange={(v) => setDraft((d) => ({ ...d, [f.key]: v }))} />
        ))}
      </div>
      <FormError error={error} paths={FIELDS.map((f) => `/${which}/${f.key}`)} />
      <div className="od-form-actions">
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>{busy ? 'Saving…' : 'Save address'}</button>
        <button type="button" className="btn btn-secondary btn-sm" onClick={onDone} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}

/** Billing and shipping side by side; shipping is fixed once something has shipped. */
export function AddressesPanel({ order, state, canEdit }: { order: Order; state: OrderState; canEdit: boolean }) {
  const [editing, setEditing] = useState<Which | null>(null);
  const shipped = order.items.some((i) => i.quantityShipped > 0);
  const editable = (which: Which) => canEdit && !(which === 'shipping' && shipped);

  return (
    <Panel title="Addresses">
      <div className="od-two">
        {(['billing', 'shipping'] as const).map((which) => (
          <div key={which} className="od-address-block">
            <div className="od-subhead">
              <h3>{which === 'billing' ? 'Billing' : 'Shipping'}</h3>
              {editing !== which && editable(which) && (
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(which)}
                  aria-label={`Edit ${which} address`}>Edit</button>
              )}
              {which === 'shipping' && shipped && canEdit && <span className="muted od-small">Shipped: cannot change</span>}
            </div>
            {editing === which
              ? <AddressForm which={which} order={order} state={state} onDone={() => setEditing(null)} />
              : <AddressView address={order[which]} />}
          </div>
        ))}
      </div>
    </Panel>
  );
}

import { useState, type FormEvent } from 'react';
import { formatMoney } from '../../app/format';
import { readMoney } from '../../app/format';
import { minorToMajorText } from '../search-state';
import type { Order } from '../types';
import type { OrderState } from '../use-order';
import { errorAt, FormError, useOrderPatch } from './form-bits';

interface Line {
  key: number;
  /** New lines take what they leave empty (price, description, pre-order) from the catalog. */
  isNew: boolean;
  sku: string;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  tax: string;
  shippable: boolean;
  preorder: boolean;
  expectedDate: string;
}

let nextKey = 1;

function linesOf(order: Order): Line[] {
  const major = (n: number) => minorToMajorText(n, order.currency);
  return order.items.map((i) => ({
    key: nextKey++, isNew: false, sku: i.sku, description: i.description, quantity: String(i.quantity),
    unitPrice: major(i.unitPrice), discount: major(i.discount), tax: major(i.tax), shippable: i.shippable, preorder: i.preorder,
    expectedDate: i.expectedDate ?? '',
  }));
}

const blank = (): Line => ({ key: nextKey++, isNew: true, sku: '', description: '', quantity: '1', unitPrice: '', discount: '', tax: '', shippable: true, preorder: false, expectedDate: '' });

/** Turns the lines into the PATCH body, or returns the fields to fix (keyed like the API's `field`). */
function toBody(lines: Line[], shippingCost: string, currency: string) {
  const errors: Record<string, string> = {};
  const money = (text: string, path: string, optional: boolean) => {
    if (!text.trim()) { if (!optional) errors[path] = 'Required'; return undefined; }
    const read = readMoney(text, currency);
    if (!('minor' in read) || read.minor < 0) { errors[path] = 'problem' in read ? read.problem : `Not an amount in ${currency}: below zero`; return undefined; }
    return read.minor;
  };
  const items = lines.map((l, i) => {
    const at = `/items/${i}`;
    if (!l.sku.trim()) errors[`${at}/sku`] = 'Required';
    const quantity = Number(l.quantity);
    if (!Number.isInteger(quantity) || quantity < 1) errors[`${at}/quantity`] = 'A whole number, 1 or more';
    const item: Record<string, unknown> = {
      sku: l.sku.trim(), quantity,
      unitPrice: money(l.unitPrice, `${at}/unitPrice`, l.isNew),
      discount: money(l.discount, `${at}/discount`, true) ?? 0,
      tax: money(l.tax, `${at}/tax`, true) ?? 0,
    };
    if (l.description.trim()) item.description = l.description.trim();
    if (!l.isNew) {
      item.shippable = l.shippable;
      item.preorder = l.preorder;
      if (l.preorder && l.expectedDate) item.expectedDate = l.expectedDate;
    }
    return item;
  });
  const shipping = money(shippingCost, '/shippingCost', false);
  return { body: { items, shippingCost: shipping }, errors };
}

export function ItemsForm({ order, state, onDone }: { order: Order; state: OrderState; onDone: () => void }) {
  const [lines, setLines] = useState<Line[]>(() => linesOf(order));
  const [shippingCost, setShippingCost] = useState(minorToMajorText(order.summary.shipping, order.currency));
  const [local, setLocal] = useState<Record<string, string>>({});
  const { busy, error, setError, patch } = useOrderPatch(order, state, onDone);

  const set = (key: number, patch: Partial<Line>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const at = (path: string) => local[path] ?? errorAt(error, path);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const { body, errors } = toBody(lines, shippingCost, order.currency);
    setLocal(errors);
    setError(null);
    if (Object.keys(errors).length) return;
    await patch(body);
  };

  const input = (l: Line, i: number, field: 'sku' | 'description' | 'quantity' | 'unitPrice' | 'discount' | 'tax', label: string, extra: { inputMode?: 'decimal' | 'numeric'; placeholder?: string } = {}) => {
    const err = at(`/items/${i}/${field}`);
    return (
      <label className={`field od-line-${field}`}>
        <span className="field-label">{label}</span>
        <input className="input" value={l[field]} inputMode={extra.inputMode} placeholder={extra.placeholder}
          aria-label={`${label}, line ${i + 1}`} aria-invalid={err ? true : undefined} onChange={(e) => set(l.key, { [field]: e.target.value })} />
        {err && <span className="field-error">{err}</span>}
      </label>
    );
  };

  const paths = [...lines.flatMap((_, i) => ['sku', 'description', 'quantity', 'unitPrice', 'discount', 'tax'].map((f) => `/items/${i}/${f}`)), '/shippingCost'];
  return (
    <form onSubmit={(e) => void save(e)} aria-label="Edit items" noValidate className="od-items-form">
      <ol className="od-lines">
        {lines.map((l, i) => (
          <li key={l.key} className="od-line" aria-label={`Line ${i + 1}`}>
            {input(l, i, 'sku', 'SKU')}
            {input(l, i, 'description', 'Description', { placeholder: l.isNew ? 'from the catalog' : undefined })}
            {input(l, i, 'quantity', 'Qty', { inputMode: 'numeric' })}
            {input(l, i, 'unitPrice', `Unit price`, { inputMode: 'decimal', placeholder: l.isNew ? 'catalog price' : undefined })}
            {input(l, i, 'discount', 'Discount', { inputMode: 'decimal', placeholder: '0' })}
            {input(l, i, 'tax', 'Tax', { inputMode: 'decimal', placeholder: '0' })}
            <div className="od-line-flags">
              {l.isNew ? <span className="muted od-small">Ships / pre-order: from the catalog</span> : (
                <>
                  <label className="checkbox"><input type="checkbox" checked={l.shippable} onChange={(e) => set(l.key, { shippable: e.target.checked })} />Ships</label>
                  <label className="checkbox"><input type="checkbox" checked={l.preorder} onChange={(e) => set(l.key, { preorder: e.target.checked })} />Pre-order</label>
                  {l.preorder && (
                    <label className="checkbox">expected
                      <input className="input" type="date" aria-label={`Expected date, line ${i + 1}`} value={l.expectedDate} onChange={(e) => set(l.key, { expectedDate: e.target.value })} />
                    </label>
                  )}
                </>
              )}
              <button type="button" className="btn btn-ghost btn-sm od-line-remove" aria-label={`Remove line ${i + 1}`} disabled={lines.length === 1}
                onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))}>Remove</button>
            </div>
          </li>
        ))}
      </ol>
      <div className="od-items-edit-foot">
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => setLines((ls) => [...ls, blank()])}>Add line</button>
        <label className="field field-inline od-inline-field">
          <span className="field-label">Shipping cost</span>
          <input className="input" inputMode="decimal" value={shippingCost} onChange={(e) => setShippingCost(e.target.value)}
            aria-invalid={at('/shippingCost') ? true : undefined} />
          {at('/shippingCost') && <span className="field-error">{at('/shippingCost')}</span>}
        </label>
        <span className="muted od-small">Amounts in {order.currency}. The server recomputes the totals (now {formatMoney(order.summary.total, order.currency)}).</span>
      </div>
      <FormError error={error} paths={paths} />
      <div className="od-form-actions">
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>{busy ? 'Saving…' : 'Save items'}</button>
        <button type="button" className="btn btn-secondary btn-sm" onClick={onDone} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}

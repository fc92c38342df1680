import { useState } from 'react';
import { formatDay, formatMoney } from '../../app/format';
import type { Order, OrderItem } from '../types';
import type { OrderState } from '../use-order';
import { Panel } from './form-bits';
import { ItemsForm } from './ItemsForm';

const LOCKED_STAGES = new Set(['completed_order', 'rejected']);

/** Why items cannot be edited now, or null when they can. */
function itemsLockedReason(order: Order): string | null {
  if (order.items.some((i) => i.quantityShipped > 0)) return 'Something has shipped: items are fixed.';
  if (LOCKED_STAGES.has(order.stage)) return `Items are fixed once an order is ${order.stage === 'rejected' ? 'rejected' : 'completed'}.`;
  return null;
}

function ItemNotes({ item }: { item: OrderItem }) {
  return (
    <>
      {item.preorder && (
        <span className="badge badge-info">Pre-order{item.expectedDate ? ` · expected ${formatDay(item.expectedDate, { dateStyle: 'medium' })}` : ''}</span>
      )}
      {!item.shippable && <span className="badge badge-neutral">Does not ship</span>}
      {item.quantityShipped > 0 && <span className="badge badge-success">{item.quantityShipped} shipped</span>}
      {item.quantityRefunded > 0 && <span className="badge badge-warning">{item.quantityRefunded} refunded</span>}
    </>
  );
}

function SummaryTable({ order }: { order: Order }) {
  const m = (n: number) => formatMoney(n, order.currency);
  const s = order.summary;
  return (
    <dl className="od-summary">
      <dt>Subtotal</dt><dd>{m(s.subtotal)}</dd>
      {s.discount > 0 && <><dt>Discount</dt><dd>−{m(s.discount)}</dd></>}
      <dt>Shipping</dt><dd>{m(s.shipping)}</dd>
      <dt>Tax</dt><dd>{m(s.tax)}</dd>
      <dt className="od-summary-total">Total</dt><dd className="od-summary-total">{m(s.total)}</dd>
      {s.refunded > 0 && <><dt>Refunded</dt><dd className="od-fail">−{m(s.refunded)}</dd></>}
    </dl>
  );
}

/** The lines of the order with its summary; edited in place while nothing has shipped. */
export function ItemsPanel({ order, state, canEdit }: { order: Order; state: OrderState; canEdit: boolean }) {
  const [editing, setEditing] = useState(false);
  const locked = itemsLockedReason(order);
  const m = (n: number) => formatMoney(n, order.currency);
  const anyDiscount = order.items.some((i) => i.discount > 0);

  return (
    <Panel title={`Items (${order.items.length})`} className="od-items-panel"
      actions={canEdit && !editing && (locked
        ? <span className="muted od-small">{locked}</span>
        : <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(true)}>Edit items</button>)}>
      {editing
        ? <ItemsForm order={order} state={state} onDone={() => setEditing(false)} />
        : (
          <>
            <div className="table-wrap">
              <table className="table table-compact od-items">
                <thead>
                  <tr>
                    <th scope="col">SKU</th><th scope="col">Description</th><th scope="col" className="num">Qty</th>
                    <th scope="col" className="num">Unit price</th>{anyDiscount && <th scope="col" className="num">Discount</th>}
                    <th scope="col" className="num">Tax</th><th scope="col" className="num">Amount</th>
                  </tr>
                </thead>
                <tbody>
                  {order.items.map((item) => (
                    <tr key={item.lineNo}>
                      <td className="mono">{item.sku}</td>
                      <td>{item.description} <ItemNotes item={item} /></td>
                      <td className="num">{item.quantity}</td>
                      <td className="num">{m(item.unitPrice)}</td>
                      {anyDiscount && <td className="num">{item.discount ? `−${m(item.discount)}` : '—'}</td>}
                      <td className="num">{m(item.tax)}</td>
                      <td className="num">{m(item.quantity * item.unitPrice - item.discount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <SummaryTable order={order} />
          </>
        )}
    </Panel>
  );
}

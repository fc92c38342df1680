import { formatInstant } from '../../app/format';
import { orderPaymentFigures, paymentFiguresTone, paymentMethodLabel, paymentStatusText } from '../labels';
import type { Order } from '../types';
import { Panel } from './form-bits';

export function CustomerPanel({ order }: { order: Order }) {
  const name = [order.billing.firstName, order.billing.lastName].filter(Boolean).join(' ');
  return (
    <Panel title="Customer">
      <dl className="od-facts">
        <dt>Name</dt><dd>{name || '—'}</dd>
        {order.billing.company && <><dt>Company</dt><dd>{order.billing.company}</dd></>}
        <dt>Email</dt><dd><a href={`mailto:${order.customer.email}`}>{order.customer.email}</a></dd>
        {order.billing.phone && <><dt>Phone</dt><dd>{order.billing.phone}</dd></>}
        {order.customer.ip && <><dt>IP address</dt><dd className="mono">{order.customer.ip}</dd></>}
        {order.customer.id !== null && <><dt>Customer no.</dt><dd>{order.customer.id}</dd></>}
      </dl>
    </Panel>
  );
}

/** Method, status and the card as far as anyone here may see it: brand, last four digits, expiry. */
export function PaymentPanel({ order }: { order: Order }) {
  const { payment } = order;
  const card = payment.card;
  return (
    <Panel title="Payment">
      <dl className="od-facts">
        <dt>Method</dt><dd>{paymentMethodLabel(payment.method)}</dd>
        <dt>Status</dt><dd><span className={`badge badge-${paymentFiguresTone(orderPaymentFigures(order))}`}>{paymentStatusText(orderPaymentFigures(order))}</span></dd>
        {card && (
          <>
            <dt>Card</dt>
            <dd>
              <span className="od-card-brand">{card.brand}</span> •••• {card.last4}
              <span className="muted"> · expires {String(card.expMonth).padStart(2, '0')}/{String(card.expYear).slice(-2)}</span>
            </dd>
          </>
        )}
        <dt>Paid</dt><dd>{formatInstant(payment.paidAt)}</dd>
        {payment.reference && <><dt>Reference</dt><dd className="mono">{payment.reference}</dd></>}
        {order.shippedAt && <><dt>Shipped</dt><dd>{formatInstant(order.shippedAt)}</dd></>}
      </dl>
    </Panel>
  );
}

/** Shown when the fraud rules scored the order, gave reasons, or held it for review. */
export function FraudPanel({ order }: { order: Order }) {
  const { fraud } = order;
  if (fraud.score === null && fraud.reasons.length === 0 && !fraud.hold) return null;
  return (
    <Panel title="Fraud check" className="od-fraud">
      <p className="od-fraud-score">
        {fraud.score !== null ? <>Score <strong className={fraud.score >= 50 ? 'od-score-high' : undefined}>{fraud.score}</strong></> : 'Not scored'}
        {fraud.hold && <span className="badge badge-danger">Held for review</span>}
      </p>
      {fraud.reasons.length > 0 && (
        <ul className="od-fraud-reasons">
          {fraud.reasons.map((r, i) => (
            <li key={`${r.rule}-${i}`}><span className="mono">+{r.points}</span> <strong>{r.rule}</strong>: {r.detail}</li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

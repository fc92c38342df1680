import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDuration, formatInstant, formatMoney } from '../app/format';
import { StageBadge } from '../app/ui';
import { isPartlyPaid, paymentFiguresTone, paymentMethodLabel, paymentStatusText, stageLabel, type PaymentFigures } from './labels';
import type { OrderListItem } from './types';

export type SortKey = 'created' | 'total' | 'order_id';

export interface Column {
  key: string;
  label: string;
  /** The API sort this column orders by, if any. */
  sort?: SortKey;
  numeric?: boolean;
  render: (o: OrderListItem) => ReactNode;
}

export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** Long text in a list cell: cut with an ellipsis so the table fits its page, whole in the tooltip. */
const Clipped = ({ text }: { text: string }) => <span className="od-ellipsis" title={text}>{text}</span>;

const THIS_YEAR = new Date().getFullYear();
/** Dates in a list: the year only when it is not this one, the full instant on hover. */
const dateTime = (iso: string | null) => {
  if (!iso) return '—';
  const sameYear = new Date(iso).getFullYear() === THIS_YEAR;
  const short = formatInstant(iso, sameYear ? { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' } : { dateStyle: 'medium' });
  return <time dateTime={iso} title={formatInstant(iso, { dateStyle: 'full', timeStyle: 'long' })}>{short}</time>;
};

export const COLUMNS: readonly Column[] = [
  {
    key: 'orderId', label: 'Order', sort: 'order_id',
    render: (o) => (
      <>
        <Link to={`/orders/${encodeURIComponent(o.orderId)}`} className="mono od-order-link" tabIndex={-1}>{o.orderId}</Link>
        {o.isTest && <> <Badge tone="neutral">test</Badge></>}
      </>
    ),
  },
  { key: 'createdAt', label: 'Created', sort: 'created', render: (o) => dateTime(o.createdAt) },
  { key: 'customerName', label: 'Customer', render: (o) => (o.customerName ? <Clipped text={o.customerName} /> : '—') },
  { key: 'customerEmail', label: 'Email', render: (o) => <Clipped text={o.customerEmail} /> },
  { key: 'stage', label: 'Stage', render: (o) => <StageBadge stage={o.stage} /> },
  {
    key: 'stageEnteredAt', label: 'Waiting',
    render: (o) => <span title={`In ${stageLabel(o.stage)} since ${formatInstant(o.stageEnteredAt)}`}>{formatDuration(Date.now() - Date.parse(o.stageEnteredAt))}</span>,
  },
  { key: 'paymentMethod', label: 'Method', render: (o) => paymentMethodLabel(o.paymentMethod) },
  {
    key: 'paymentStatus', label: 'Payment',
    render: (o) => {
      const p: PaymentFigures = { status: o.paymentStatus, paid: o.paidTotal, total: o.total, currency: o.currency };
      return isPartlyPaid(p)
        ? <span title={paymentStatusText(p)}><Badge tone={paymentFiguresTone(p)}>Partly paid</Badge> <span className="muted">{formatMoney(p.paid, p.currency)} of {formatMoney(p.total, p.currency)}</span></span>
        : <Badge tone={paymentFiguresTone(p)}>{paymentStatusText(p)}</Badge>;
    },
  },
  {
    key: 'fraudScore', label: 'Fraud', numeric: true,
    render: (o) => (o.fraudScore === null ? '—' : <span className={o.fraudScore >= 50 ? 'od-score-high' : undefined}>{o.fraudScore}</span>),
  },
  { key: 'holdFromStage', label: 'Held from', render: (o) => stageLabel(o.holdFromStage) },
  { key: 'shippingCountry', label: 'Ship to', render: (o) => o.shippingCountry ?? '—' },
  { key: 'paidAt', label: 'Paid', render: (o) => dateTime(o.paidAt) },
  { key: 'shippedAt', label: 'Shipped', render: (o) => dateTime(o.shippedAt) },
  { key: 'channel', label: 'Channel', render: (o) => o.channel },
  { key: 'tags', label: 'Tags', render: (o) => (o.tags.length ? o.tags.map((t) => <span key={t} className="od-tag">{t}</span>) : '—') },
  { key: 'total', label: 'Total', sort: 'total', numeric: true, render: (o) => formatMoney(o.total, o.currency) },
];

const BY_KEY = new Map(COLUMNS.map((c) => [c.key, c]));

/** The columns named in the URL (unknown keys ignored), or the defaults; the order id always shows. */
export function resolveColumns(keys: readonly string[] | null, defaults: readonly string[]): Column[] {
  const chosen = (keys && keys.length ? keys : defaults).filter((k) => BY_KEY.has(k));
  if (!chosen.includes('orderId')) chosen.unshift('orderId');
  return chosen.map((k) => BY_KEY.get(k)!);
}

import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { apiRequest, ApiError, describeError } from '../../app/api';
import type { Stage } from '../../app/departments';
import { formatDuration, formatInstant, formatMoney } from '../../app/format';
import { permissionLabel } from '../../app/permission-label';
import { refreshStageCounts } from '../../app/stage-counts';
import { StageBadge } from '../../app/ui';
import { actPermissionOf, moveLabel, orderPaymentFigures, paymentFiguresTone, paymentStatusText, stageLabel } from '../labels';
import { RefundThenReject } from '../../payments/RefundThenReject';
import { MoveDialog, type HeldMoney } from '../MoveDialog';
import type { Order } from '../types';
import { isStale, type OrderState } from '../use-order';

interface Props { order: Order; state: OrderState; can: (permission: string) => boolean }

/**
 * Where this order may be moved: exactly `allowedMoves`, which the API lists for the signed-in user (the
 * stage machine's moves, when the user may act on the order's stage), so no button here answers 403.
 */
function MoveButtons({ order, state, can }: Props) {
  const [target, setTarget] = useState<Stage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refundFirst, setRefundFirst] = useState(false);
  const act = actPermissionOf(order.stage);

  if (order.stage === 'pending_clearance') {
    return <p className="muted od-small">Moves when the payment provider’s notification arrives; it cannot be moved by hand.</p>;
  }
  if (!order.allowedMoves.length) {
    // Only a hint: every stage but Pending Clearance has a move, so an empty list means the user may not act here.
    return act && !can(act) ? <p className="muted od-small" title={`Permission: ${act}`}>Moving this order needs {permissionLabel(act)}.</p> : null;
  }

  // Review decisions void or refund money and can block the customer: the Fraud Review panel takes them,
  // so here an order under review can only be put on hold.
  const inReview = order.stage === 'fraud_review';
  const moves = order.allowedMoves.filter((m) => m !== 'rejected' && (!inReview || m === 'hold'));
  const move = async (reason: string, keepPayment: boolean) => {
    if (!target) return;
    setError(null);
    try {
      await state.write((ifMatch) => apiRequest<Order>(`/orders/${encodeURIComponent(order.orderId)}/${target === 'rejected' ? 'reject' : 'stage'}`, {
        method: 'POST', headers: { 'if-match': ifMatch },
        body: { ...(target === 'rejected' ? { reason } : { stage: target, reason }), ...(keepPayment ? { keepPayment } : {}) },
      }));
      setTarget(null);
      void refreshStageCounts();
    } catch (e) {
      if (isStale(e)) setTarget(null); // the page-wide banner explains and offers the reload
      else setError(describeError(e));
      // Paid meanwhile (a notification, a colleague): read the order again, so the dialog shows the money.
      if (e instanceof ApiError && e.problem.field === '/keepPayment') state.reload();
    }
  };
  // Rejecting keeps paid money that was not refunded: the dialog says how much and offers the refund first.
  const kept = order.payment.paid - order.summary.refunded;
  const held: HeldMoney | null = target === 'rejected' && kept > 0 ? {
    amount: formatMoney(kept, order.currency),
    onRefundFirst: can('orders:edit') && !order.payment.refundBlocked ? () => { setTarget(null); setRefundFirst(true); } : undefined,
  } : null;

  return (
    <div className="od-move-buttons" role="group" aria-label="Stage moves">
      {moves.map((to) => (
        <button key={to} type="button" className="btn btn-secondary btn-sm" onClick={() => { setError(null); setTarget(to); }}>
          {moveLabel(order.stage, to)}
        </button>
      ))}
      {inReview && <span className="muted od-small">Approve or reject in the Fraud Review panel below.</span>}
      {order.allowedMoves.includes('rejected') && !inReview && (
        <button type="button" className="btn btn-danger btn-sm" onClick={() => { setError(null); setTarget('rejected'); }}>Reject</button>
      )}
      {target && (
        <MoveDialog title={`${moveLabel(order.stage, target)}: ${order.orderId}`} orderIds={[order.orderId]}
          danger={target === 'rejected'} confirmLabel={target === 'rejected' ? 'Reject order' : `Move to ${stageLabel(target)}`}
          error={error} held={held} onClose={() => setTarget(null)} onConfirm={move} />
      )}
      {refundFirst && (
        <RefundThenReject order={order} onClose={() => setRefundFirst(false)}
          onDone={() => { setRefundFirst(false); state.reload(); void refreshStageCounts(); }} />
      )}
    </div>
  );
}

/** Back to the list the order was opened from (its filters and page intact), or to all orders on a direct visit. */
function BackLink() {
  const navigate = useNavigate();
  const location = useLocation();
  if (location.key === 'default') return <Link to="/orders" className="od-back">← All orders</Link>;
  return <button type="button" className="btn btn-link od-back" onClick={() => void navigate(-1)}>← Back to the list</button>;
}

export function OrderHeader({ order, state, can }: Props) {
  return (
    <header className="od-order-head">
      <div className="od-order-title">
        <BackLink />
        <h1>
          <span className="mono">{order.orderId}</span>
          <StageBadge stage={order.stage} />
          <span className={`badge badge-${paymentFiguresTone(orderPaymentFigures(order))}`}>{paymentStatusText(orderPaymentFigures(order))}</span>
          {order.isTest && <span className="badge badge-neutral">Test order</span>}
        </h1>
        <dl className="od-order-meta">
          <div><dt>Total</dt><dd className="od-order-total">{formatMoney(order.summary.total, order.currency)}</dd></div>
          <div><dt>Created</dt><dd><time dateTime={order.createdAt}>{formatInstant(order.createdAt)}</time></dd></div>
          <div><dt>Channel</dt><dd>{order.channel}</dd></div>
          <div>
            <dt>In {stageLabel(order.stage)}</dt>
            <dd title={`since ${formatInstant(order.stageEnteredAt)}`}>{formatDuration(Date.now() - Date.parse(order.stageEnteredAt))}</dd>
          </div>
          {order.holdFromStage && <div><dt>Held from</dt><dd>{stageLabel(order.holdFromStage)}</dd></div>}
        </dl>
      </div>
      <MoveButtons order={order} state={state} can={can} />
    </header>
  );
}

import { Link, useParams } from 'react-router';
import { ApiError } from '../app/api';
import { useSession } from '../app/session';
import { EmptyState, ErrorState, Skeleton, usePageTitle } from '../app/ui';
import { AddressesPanel } from './detail/AddressesPanel';
import { CustomFieldsPanel } from './detail/CustomFieldsPanel';
import { HistoryTimeline } from './detail/HistoryTimeline';
import { FraudOrderActions } from '../fraud/FraudOrderActions';
import { PaymentLedgerPanel } from '../payments/PaymentLedgerPanel';
import { CustomerPanel, FraudPanel } from './detail/InfoPanels';
import { ItemsPanel } from './detail/ItemsPanel';
import { NotesPanel, TagsPanel } from './detail/NotesTagsPanels';
import { OrderHeader } from './detail/OrderHeader';
import { useOrder, type OrderState } from './use-order';
import './orders.css';

/** After a refused stale write: nothing on the page is trusted until it is read again. */
function StaleBanner({ state }: { state: OrderState }) {
  if (!state.conflict) return null;
  return (
    <div className="od-stale" role="alert">
      <span><strong>Someone else changed this order — reload</strong> to see their change. Your unsaved edits will be discarded.</span>
      <button type="button" className="btn btn-primary btn-sm" onClick={state.reload} disabled={state.loading}>
        {state.loading ? 'Reloading…' : 'Reload'}
      </button>
    </div>
  );
}

function SkeletonPanel({ height }: { height: number }) {
  return (
    <div className="panel od-panel">
      <div className="panel-body"><Skeleton width="35%" height={16} /><Skeleton className="skeleton-block" height={height} /></div>
    </div>
  );
}

function DetailSkeleton() {
  return (
    <div className="od-page" role="status" aria-label="Loading the order">
      <Skeleton width={260} height={28} />
      <div className="od-detail-grid">
        <div className="od-detail-main">{[160, 120, 200].map((h) => <SkeletonPanel key={h} height={h} />)}</div>
        <div className="od-detail-side">{[110, 130, 90].map((h) => <SkeletonPanel key={h} height={h} />)}</div>
      </div>
    </div>
  );
}

export default function OrderDetailPage() {
  const { orderId = '' } = useParams();
  const state = useOrder(orderId);
  const { can } = useSession();
  const { order } = state;
  usePageTitle(order ? `${order.orderId}` : orderId);

  if (!order) {
    if (state.error instanceof ApiError && state.error.status === 404) {
      return <EmptyState title={`Order ${orderId} was not found`}>Check the id, or search for it in <Link to="/orders">View All Orders</Link>.</EmptyState>;
    }
    if (state.error) return <ErrorState error={state.error} onRetry={state.reload} title="Could not load this order" />;
    return <DetailSkeleton />;
  }

  const canEdit = can('orders:edit');
  // Forms are keyed by the reload generation: a reload drops every draft made on the old version.
  const key = state.generation;
  return (
    <div className="od-page od-detail">
      <StaleBanner state={state} />
      <OrderHeader order={order} state={state} can={can} />
      <div className="od-detail-grid">
        <div className="od-detail-main">
          <ItemsPanel key={`items-${key}`} order={order} state={state} canEdit={canEdit} />
          <PaymentLedgerPanel order={order} can={can} onOrderChanged={state.reload} />
          <AddressesPanel key={`addr-${key}`} order={order} state={state} canEdit={canEdit} />
          <HistoryTimeline history={order.history} />
        </div>
        <div className="od-detail-side">
          <CustomerPanel order={order} />
          {order.stage === 'fraud_review' && can('fraud_review:act') && <FraudOrderActions order={order} onChanged={state.reload} />}
          <FraudPanel order={order} />
          <TagsPanel key={`tags-${key}`} order={order} state={state} canEdit={canEdit} />
          <CustomFieldsPanel key={`cf-${key}`} order={order} state={state} canEdit={canEdit} />
          <NotesPanel key={`notes-${key}`} order={order} state={state} canEdit={canEdit} />
        </div>
      </div>
    </div>
  );
}

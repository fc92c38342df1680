import { PageHeader, usePageTitle } from '../app/ui';
import { ListControls, ListResults, useOrdersList } from './OrderListView';
import './orders.css';

const DEFAULT_COLUMNS = {
  all: ['orderId', 'createdAt', 'customerName', 'customerEmail', 'stage', 'paymentStatus', 'total'],
  review: ['orderId', 'createdAt', 'customerName', 'customerEmail', 'stage', 'paymentMethod', 'total'],
} as const;

/** View All Orders (every order, newest first) and Review Orders (the same search, its own saved views and columns). */
export default function OrdersSearchPage({ mode }: { mode: 'all' | 'review' }) {
  const title = mode === 'all' ? 'View All Orders' : 'Review Orders';
  const setup = useOrdersList({ defaultColumns: DEFAULT_COLUMNS[mode] });
  usePageTitle(title);

  return (
    <div className="od-page">
      <PageHeader title={title} description={mode === 'all'
        ? 'Every order in every stage. Search, then open an order with Enter or a click.'
        : 'Find orders by anything you know about them; save the searches you run often.'} />
      <ListControls setup={setup} scope={mode === 'all' ? 'orders' : 'review'} />
      <ListResults setup={setup} label={title} empty="No orders match this search." />
    </div>
  );
}

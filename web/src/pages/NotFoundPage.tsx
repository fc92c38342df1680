import { Link, useLocation } from 'react-router';
import { CompassIcon } from '../app/icons';
import { useSession } from '../app/session';
import { usePageTitle } from '../app/ui';

export default function NotFoundPage() {
  const { pathname } = useLocation();
  const { can } = useSession();
  usePageTitle('Page not found');
  return (
    <section className="full-state" aria-labelledby="not-found-title">
      <CompassIcon className="full-state-icon" />
      <h1 id="not-found-title">Page not found</h1>
      <p>There is no page at <code>{pathname}</code>. The link may be mistyped, or the page may have moved.</p>
      <div className="cluster">
        <Link to="/" className="btn btn-primary">Go to the dashboard</Link>
        {can('orders:view') && <Link to="/orders" className="btn btn-secondary">View All Orders</Link>}
      </div>
    </section>
  );
}

import { useMemo, useState } from 'react';
import { describeError } from '../app/api';
import { formatCount, formatInstant, formatMoney } from '../app/format';
import { RefreshIcon } from '../app/icons';
import { useSession } from '../app/session';
import { EmptyState, ErrorState, PageHeader, Skeleton, usePageTitle } from '../app/ui';
import { useApiData } from '../app/use-api';
import { AttentionTable } from '../dashboard/AttentionTable';
import { DailyChart } from '../dashboard/DailyChart';
import { currenciesOf, DASHBOARD_DAYS, dayRange, seriesFor, type Dashboard, type DayPoint } from '../dashboard/dashboard-data';
import { StageTiles } from '../dashboard/StageTiles';

const CURRENCY_KEY = 'orderdeck.dashboard.currency';
const REFRESH_MS = 60_000;

function rememberedCurrency(): string | null {
  try { return localStorage.getItem(CURRENCY_KEY); } catch { return null; }
}

export default function DashboardPage() {
  usePageTitle('Dashboard');
  const { can } = useSession();
  const mayView = can('orders:view');
  const { data, error, loading, reload } = useApiData<Dashboard>(mayView ? '/dashboard' : null, { refreshMs: REFRESH_MS, refreshOnFocus: true });

  const header = (
    <PageHeader
      title="Dashboard"
      description={`Orders over the last ${DASHBOARD_DAYS} days and what is waiting in each queue.`}
      actions={data && (
        <>
          <span className="muted" aria-live="polite">Updated {formatInstant(data.generatedAt, { timeStyle: 'short' })}</span>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => reload()} disabled={loading}>
            <RefreshIcon /> {loading ? 'Refreshing…' : 'Refresh'}
          </button>
        </>
      )}
    />
  );

  if (!mayView) {
    return <>{header}<EmptyState title="Nothing to show">Your role does not include viewing orders.</EmptyState></>;
  }
  if (!data) {
    return (
      <>
        {header}
        {error ? <ErrorState error={error} title="The dashboard could not be loaded" onRetry={() => reload()} /> : <DashboardSkeleton />}
      </>
    );
  }
  return (
    <>
      {header}
      {error !== null && (
        <div className="alert alert-warning" role="status">
          Could not refresh: {describeError(error)} The figures below are from {formatInstant(data.generatedAt, { timeStyle: 'short' })}.
          {' '}<button type="button" className="btn btn-link" onClick={() => reload()}>Try again</button>
        </div>
      )}
      <div className="dashboard">
        <SalesPanel dashboard={data} />
        <section className="panel" aria-labelledby="stages-title">
          <header className="panel-header"><h2 id="stages-title" className="panel-title">Orders by stage</h2></header>
          <div className="panel-body"><StageTiles stages={data.stages} /></div>
        </section>
        <section className="panel" aria-labelledby="attention-title">
          <header className="panel-header">
            <h2 id="attention-title" className="panel-title">Needs attention</h2>
            <p className="panel-subtitle">The order waiting longest in each queue</p>
          </header>
          <div className="panel-body panel-body-flush"><AttentionTable stages={data.stages} generatedAt={data.generatedAt} /></div>
        </section>
      </div>
    </>
  );
}

function SalesPanel({ dashboard }: { dashboard: Dashboard }) {
  const currencies = useMemo(() => currenciesOf(dashboard.days), [dashboard.days]);
  const [chosen, setChosen] = useState<string | null>(rememberedCurrency);
  const [showTable, setShowTable] = useState(false);
  const currency = chosen && currencies.includes(chosen) ? chosen : currencies[0];
  const range = useMemo(() => dayRange(dashboard.generatedAt), [dashboard.generatedAt]);
  const points = useMemo(() => (currency ? seriesFor(dashboard.days, currency, range) : []), [dashboard.days, currency, range]);
  const allOrders = dashboard.days.reduce((sum, d) => sum + d.orders, 0);

  const choose = (next: string) => {
    setChosen(next);
    try { localStorage.setItem(CURRENCY_KEY, next); } catch { /* not remembered, still shown */ }
  };

  return (
    <section className="panel" aria-labelledby="sales-title">
      <header className="panel-header">
        <div>
          <h2 id="sales-title" className="panel-title">Orders and order value</h2>
          <p className="panel-subtitle">Last {DASHBOARD_DAYS} days by UTC day · totals of the orders placed, including any since rejected or refunded · test orders excluded</p>
        </div>
        {currency && (
          <div className="toolbar">
            {currencies.length > 1 && (
              <fieldset className="segmented">
                <legend className="visually-hidden">Currency</legend>
                {currencies.map((c) => (
                  <label key={c} className="segmented-option">
                    <input type="radio" name="dashboard-currency" value={c} checked={c === currency} onChange={() => choose(c)} />
                    <span>{c}</span>
                  </label>
                ))}
              </fieldset>
            )}
            <button type="button" className="btn btn-secondary btn-sm" aria-pressed={showTable} onClick={() => setShowTable((s) => !s)}>
              {showTable ? 'Show chart' : 'Show table'}
            </button>
          </div>
        )}
      </header>
      <div className="panel-body">
        {!currency
          ? <EmptyState title={`No orders in the last ${DASHBOARD_DAYS} days`}>New orders will show here by day.</EmptyState>
          : (
            <>
              <Figures points={points} currency={currency} />
              {currencies.length > 1 && (
                <p className="muted chart-note">
                  {formatCount(allOrders)} orders in all currencies; figures and chart show {currency} only.
                </p>
              )}
              <DailyChart points={points} currency={currency} showTable={showTable} />
            </>
          )}
      </div>
    </section>
  );
}

function Figures({ points, currency }: { points: DayPoint[]; currency: string }) {
  const orders = points.reduce((sum, p) => sum + p.orders, 0);
  const revenue = points.reduce((sum, p) => sum + p.revenue, 0);
  const today = points.at(-1);
  // A figure too long for a phone-wide tile is cut with an ellipsis; its title keeps the whole of it.
  const total = formatMoney(revenue, currency);
  const average = orders ? formatMoney(Math.round(revenue / orders), currency) : '—';
  const todays = `${formatCount(today?.orders ?? 0)} · ${formatMoney(today?.revenue ?? 0, currency)}`;
  return (
    <dl className="figures">
      <div className="figure"><dt>Orders</dt><dd data-testid="figure-orders" title={formatCount(orders)}>{formatCount(orders)}</dd></div>
      <div className="figure"><dt>Order value</dt><dd data-testid="figure-revenue" title={total}>{total}</dd></div>
      <div className="figure"><dt>Average order</dt><dd title={average}>{average}</dd></div>
      <div className="figure">
        <dt>Today so far</dt>
        <dd title={todays}>{formatCount(today?.orders ?? 0)} <span className="figure-sub">· {formatMoney(today?.revenue ?? 0, currency)}</span></dd>
      </div>
    </dl>
  );
}

function DashboardSkeleton() {
  return (
    <div className="dashboard" aria-busy="true">
      <span className="visually-hidden" role="status">Loading the dashboard…</span>
      <section className="panel"><div className="panel-body"><Skeleton width="40%" height={20} /><Skeleton height={260} className="skeleton-block" /></div></section>
      <section className="panel"><div className="panel-body"><Skeleton height={84} className="skeleton-block" /></div></section>
      <section className="panel"><div className="panel-body"><Skeleton height={180} className="skeleton-block" /></div></section>
    </div>
  );
}

import { useEffect, useRef } from 'react';
import { formatCount, formatDay, formatMoney } from '../app/format';
import { useApiData } from '../app/use-api';
import { ErrorState, Loading } from '../app/ui';
import type { ArStatsDay } from './payments-api';
import './payments.css';

const DAYS = 30;

/** Sums per currency over the days, biggest first. */
function totalsByCurrency(days: readonly ArStatsDay[]): { currency: string; amount: number }[] {
  const sums = new Map<string, number>();
  for (const d of days) for (const r of d.recovered) sums.set(r.currency, (sums.get(r.currency) ?? 0) + r.amount);
  return [...sums].map(([currency, amount]) => ({ currency, amount })).sort((a, b) => b.amount - a.amount);
}

/**
 * What Accounts Receivable collected over the last 30 days (UTC days, as the server counts them): the
 * money per currency, from retries, payment-request links and mark paid; retries approved of attempted;
 * and the orders the schedule gave up on. The bars show the
 * main currency per day; the table under them has every figure. A new `refreshKey` (an A/R action
 * finished on this page) reads them again.
 */
export function RecoveredRevenuePanel({ refreshKey = 0 }: { refreshKey?: number }) {
  const stats = useApiData<{ days: ArStatsDay[] }>(`/payments/ar-stats?days=${DAYS}`, { refreshOnFocus: true });
  const { reload } = stats;
  const seen = useRef(refreshKey);
  useEffect(() => {
    if (seen.current === refreshKey) return;
    seen.current = refreshKey;
    reload(true);
  }, [refreshKey, reload]);
  // The API lists the days newest first; the bars run oldest to newest, left to right.
  const days = stats.data?.days ?? [];
  const oldestFirst = [...days].reverse();
  const totals = totalsByCurrency(days);
  const main = totals[0]?.currency;
  const amountOf = (d: ArStatsDay) => d.recovered.find((r) => r.currency === main)?.amount ?? 0;
  const max = Math.max(1, ...days.map(amountOf));
  const attempted = days.reduce((s, d) => s + d.attempted, 0);
  const approved = days.reduce((s, d) => s + d.approved, 0);
  const rejected = days.reduce((s, d) => s + d.rejectedBySchedule, 0);

  return (
    <section className="panel pay-recovered" aria-labelledby="recovered-title">
      <header className="panel-header">
        <h2 className="panel-title" id="recovered-title">Recovered revenue</h2>
        <p className="panel-subtitle">Last {DAYS} days, by UTC day</p>
      </header>
      <div className="panel-body">
        {stats.error && !stats.data ? <ErrorState error={stats.error} onRetry={() => stats.reload()} title="Could not load the figures" />
          : !stats.data ? <Loading />
            : (
              <>
                <dl className="figures">
                  <div className="figure">
                    <dt>Recovered</dt>
                    <dd>{totals.length ? totals.map((t) => formatMoney(t.amount, t.currency)).join(' · ') : <span className="muted">Nothing recovered yet</span>}</dd>
                  </div>
                  <div className="figure"><dt>Retries charged</dt><dd>{formatCount(approved)} <span className="figure-sub">of {formatCount(attempted)}</span></dd></div>
                  <div className="figure"><dt>Success rate</dt><dd>{attempted ? `${Math.round((approved / attempted) * 100)}%` : '—'}</dd></div>
                  <div className="figure"><dt>Rejected by the schedule</dt><dd>{formatCount(rejected)}</dd></div>
                </dl>
                {main && (
                  <div className="pay-bars" aria-hidden="true">
                    {oldestFirst.map((d) => (
                      <span key={d.day} className="pay-bar" title={`${formatDay(d.day)}: ${formatMoney(amountOf(d), main)}`}
                        style={{ height: `${Math.max(2, (amountOf(d) / max) * 100)}%` }} />
                    ))}
                  </div>
                )}
                <details className="pay-days">
                  <summary>Per day</summary>
                  <div className="table-wrap chart-table">
                    <table className="table table-compact" aria-label="Recovered revenue per day">
                      <thead><tr><th scope="col">Day</th><th scope="col" className="num">Retries</th><th scope="col" className="num">Charged</th><th scope="col" className="num">Recovered</th><th scope="col" className="num">Rejected</th></tr></thead>
                      <tbody>
                        {days.map((d) => (
                          <tr key={d.day}>
                            <td>{formatDay(d.day, { dateStyle: 'medium' })}</td>
                            <td className="num">{formatCount(d.attempted)}</td>
                            <td className="num">{formatCount(d.approved)}</td>
                            <td className="num">{d.recovered.length ? d.recovered.map((r) => formatMoney(r.amount, r.currency)).join(', ') : '—'}</td>
                            <td className="num">{formatCount(d.rejectedBySchedule)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </details>
              </>
            )}
      </div>
    </section>
  );
}

import { useEffect, useId, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { formatCount, formatDay, formatMoney, formatMoneyCompact } from '../app/format';
import { alignedScale, niceScale, type DayPoint } from './dashboard-data';

const HEIGHT = 260;
const MARGIN = { top: 30, right: 64, bottom: 30, left: 44 };

/** The width of an element, kept current as the window or the layout changes. */
function useWidth<T extends HTMLElement>(fallback: number): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth || fallback);
    const observer = new ResizeObserver(([entry]) => { if (entry) setWidth(Math.round(entry.contentRect.width)); });
    observer.observe(element);
    return () => observer.disconnect();
  }, [fallback]);
  return [ref, width];
}

/**
 * Orders per day as bars (left axis) and revenue as a line (right axis) for one currency. The SVG is a
 * picture for sighted users; the same figures are a table (always there for screen readers, shown on
 * request), and hovering a day shows its figures.
 */
export function DailyChart({ points, currency, showTable }: { points: DayPoint[]; currency: string; showTable: boolean }) {
  const [boxRef, width] = useWidth<HTMLDivElement>(720);
  const [active, setActive] = useState<number | null>(null);
  const titleId = useId();
  useEffect(() => setActive(null), [currency]);

  const plotWidth = Math.max(120, width - MARGIN.left - MARGIN.right);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(1, points.length);
  const barWidth = Math.max(2, Math.min(28, slot * 0.64));
  const orderScale = niceScale(Math.max(0, ...points.map((p) => p.orders)), { integer: true });
  const revenueScale = alignedScale(Math.max(0, ...points.map((p) => p.revenue)), orderScale.ticks.length - 1);
  const yOrders = (v: number) => MARGIN.top + plotHeight - (v / orderScale.max) * plotHeight;
  const yRevenue = (v: number) => MARGIN.top + plotHeight - (v / revenueScale.max) * plotHeight;
  const xCenter = (i: number) => MARGIN.left + slot * i + slot / 2;
  // Label about every 60px, counted back from today so the newest day is always labelled.
  const labelEvery = Math.max(1, Math.ceil(60 / slot));
  const last = points.length - 1;
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${xCenter(i).toFixed(1)},${yRevenue(p.revenue).toFixed(1)}`).join(' ');
  const activePoint = active === null ? null : points[active];

  return (
    <figure className="chart" aria-labelledby={titleId}>
      <figcaption id={titleId} className="visually-hidden">
        Orders and order value in {currency} per day, {points[0] ? formatDay(points[0].day) : ''} to {points.at(-1) ? formatDay(points.at(-1)!.day) : ''}
      </figcaption>
      {!showTable && <div className="chart-legend" aria-hidden="true">
        <span className="legend-item"><span className="legend-swatch legend-bar" />Orders</span>
        <span className="legend-item"><span className="legend-swatch legend-line" />Order value ({currency})</span>
      </div>}
      <div className="chart-box" ref={boxRef} onMouseLeave={() => setActive(null)} hidden={showTable}>
        <svg className="chart-svg" width={width} height={HEIGHT} aria-hidden="true" focusable="false" data-testid="daily-chart">
          {orderScale.ticks.map((tick, i) => (
            <g key={`grid-${tick}`}>
              <line className="chart-grid" x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={yOrders(tick)} y2={yOrders(tick)} />
              <text className="chart-axis-label" x={MARGIN.left - 8} y={yOrders(tick)} dy="0.32em" textAnchor="end">{formatCount(tick)}</text>
              {revenueScale.ticks[i] !== undefined && (
                <text className="chart-axis-label" x={MARGIN.left + plotWidth + 8} y={yOrders(tick)} dy="0.32em" textAnchor="start">
                  {formatMoneyCompact(revenueScale.ticks[i]!, currency)}
                </text>
              )}
            </g>
          ))}
          {active !== null && <rect className="chart-hover-band" x={MARGIN.left + slot * active} y={MARGIN.top} width={slot} height={plotHeight} />}
          {points.map((p, i) => {
            const height = (p.orders / orderScale.max) * plotHeight;
            return (
              <rect key={p.day} className={`chart-bar${i === last ? ' chart-bar-today' : ''}`} data-day={p.day} data-orders={p.orders}
                x={xCenter(i) - barWidth / 2} y={MARGIN.top + plotHeight - height} width={barWidth} height={height} rx={Math.min(3, barWidth / 3)} />
            );
          })}
          <path className="chart-line" d={line} />
          {points.map((p, i) => (
            <circle key={p.day} className={`chart-dot${active === i ? ' chart-dot-active' : ''}`} cx={xCenter(i)} cy={yRevenue(p.revenue)} r={active === i ? 4.5 : 2.5} />
          ))}
          <line className="chart-baseline" x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={MARGIN.top + plotHeight} y2={MARGIN.top + plotHeight} />
          {points.map((p, i) => ((last - i) % labelEvery === 0) && (
            <text key={p.day} className="chart-axis-label" x={xCenter(i)} y={HEIGHT - 10} textAnchor="middle">
              {i === last ? 'Today' : formatDay(p.day)}
            </text>
          ))}
          <text className="chart-axis-title" x={MARGIN.left - 8} y={MARGIN.top - 16} textAnchor="end">Orders</text>
          <text className="chart-axis-title" x={MARGIN.left + plotWidth + 8} y={MARGIN.top - 16} textAnchor="start">{currency}</text>
          {points.map((p, i) => (
            <rect key={p.day} className="chart-hit" x={MARGIN.left + slot * i} y={MARGIN.top} width={slot} height={plotHeight + MARGIN.bottom}
              onMouseEnter={() => setActive(i)} />
          ))}
        </svg>
        {activePoint && active !== null && (
          <div className="chart-tooltip" style={{ left: Math.min(Math.max(xCenter(active), 90), width - 90), top: MARGIN.top }} aria-hidden="true">
            <strong>{active === last ? `Today, ${formatDay(activePoint.day)}` : formatDay(activePoint.day, { weekday: 'short', month: 'short', day: 'numeric' })}</strong>
            <span>{formatCount(activePoint.orders)} {activePoint.orders === 1 ? 'order' : 'orders'}</span>
            <span>{formatMoney(activePoint.revenue, currency)}</span>
          </div>
        )}
      </div>
      <div className={showTable ? 'chart-table' : 'visually-hidden'}>
        <table className="table table-compact">
          <caption className={showTable ? 'visually-hidden' : undefined}>Orders and order value per day in {currency}</caption>
          <thead>
            <tr><th scope="col">Day (UTC)</th><th scope="col" className="num">Orders</th><th scope="col" className="num">Order value</th></tr>
          </thead>
          <tbody>
            {[...points].reverse().map((p) => (
              <tr key={p.day}>
                <th scope="row">{formatDay(p.day, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' })}</th>
                <td className="num">{formatCount(p.orders)}</td>
                <td className="num">{formatMoney(p.revenue, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

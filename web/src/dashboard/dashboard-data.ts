/*
 * GET /api/v1/dashboard and the pure arithmetic behind the dashboard: the 30-day series with missing
 * days filled in, the currency list, axis scales, and how overdue a queue's oldest order is.
 */

export interface DashboardDay { day: string; currency: string; orders: number; revenue: number }
export interface OldestOrder { orderId: string; customerName: string; enteredAt: string; total: number; currency: string }
export interface StageSummary { stage: string; label?: string; count: number; oldest: OldestOrder | null }
export interface Dashboard { days: DashboardDay[]; stages: StageSummary[]; generatedAt: string }

export const DASHBOARD_DAYS = 30;
const DAY_MS = 86_400_000;

/** The `count` UTC calendar days ending on the day of `generatedAt` (the server's today), oldest first. */
export function dayRange(generatedAt: string, count = DASHBOARD_DAYS): string[] {
  const today = Date.parse(`${generatedAt.slice(0, 10)}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(today - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** Currencies that had orders, the busiest first (the default choice), then alphabetical. */
export function currenciesOf(days: readonly DashboardDay[]): string[] {
  const orders = new Map<string, number>();
  for (const d of days) orders.set(d.currency, (orders.get(d.currency) ?? 0) + d.orders);
  return [...orders.keys()].sort((a, b) => orders.get(b)! - orders.get(a)! || a.localeCompare(b));
}

export interface DayPoint { day: string; orders: number; revenue: number }

/** One point per day of `range` for `currency`; a day without orders is 0, not a gap. */
export function seriesFor(days: readonly DashboardDay[], currency: string, range: readonly string[]): DayPoint[] {
  const byDay = new Map(days.filter((d) => d.currency === currency).map((d) => [d.day, d]));
  return range.map((day) => ({ day, orders: byDay.get(day)?.orders ?? 0, revenue: byDay.get(day)?.revenue ?? 0 }));
}

export interface Scale { max: number; ticks: number[] }

/**
 * An axis from 0 to a round number at or above `max`, with about `count` steps of 1, 2, 2.5 or 5 × 10ⁿ.
 * `integer` keeps steps whole (order counts).
 */
export function niceScale(max: number, { count = 4, integer = false } = {}): Scale {
  if (!(max > 0)) return { max: integer ? count : 1, ticks: Array.from({ length: count + 1 }, (_, i) => (integer ? i : i / count)) };
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const steps = integer ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = (steps.find((s) => s * power >= rough) ?? 10) * power;
  if (integer) step = Math.max(1, Math.round(step));
  const top = step * Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return { max: top, ticks };
}

/**
 * A second axis sharing the first one's gridlines: exactly `intervals` steps of a round size, the
 * smallest that reaches `max`.
 */
export function alignedScale(max: number, intervals: number): Scale {
  const n = Math.max(1, intervals);
  let step = 1;
  if (max > 0) {
    const rough = max / n;
    const power = 10 ** Math.floor(Math.log10(rough));
    step = ([1, 2, 2.5, 5, 10].find((s) => s * power >= rough - 1e-9) ?? 10) * power;
  }
  return { max: step * n, ticks: Array.from({ length: n + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6) };
}

/** Stages whose orders wait for someone; Completed and Rejected are where orders end, not queues. */
export const WAITING_STAGES = [
  'quote_request', 'quote_sent', 'pre_ordered', 'accounts_receivable', 'pending_clearance', 'fraud_review', 'hold', 'shipping_department',
] as const;

const HOUR = 3_600_000;
/**
 * How long an order may sit in a queue before it wants a look. Fraud review and quote requests are a
 * same-day job; payments get a few days to clear or be retried; pre-orders wait for stock by design.
 */
const EXPECTED_WAIT: Record<string, number> = {
  quote_request: 24 * HOUR, quote_sent: 7 * 24 * HOUR, pre_ordered: 30 * 24 * HOUR, accounts_receivable: 3 * 24 * HOUR,
  pending_clearance: 3 * 24 * HOUR, fraud_review: 24 * HOUR, hold: 2 * 24 * HOUR, shipping_department: 2 * 24 * HOUR,
};

export type Urgency = 'ok' | 'late' | 'overdue';

export function urgencyOf(stage: string, waitedMs: number): Urgency {
  const expected = EXPECTED_WAIT[stage] ?? 2 * 24 * HOUR;
  if (waitedMs <= expected) return 'ok';
  return waitedMs <= 3 * expected ? 'late' : 'overdue';
}

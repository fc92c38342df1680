import type { Executor, Trx } from '../../db/database.js';
import { changeSetting, readSetting } from '../../db/versioned-setting.js';
import { invalid } from '../../shared/errors.js';
import { isCurrency, roundHalfEven } from '../../shared/money.js';

/**
 * The Accounts Receivable retry schedule: what happens to an order on each day it has spent in A/R.
 * Day N is N whole 24-hour periods after the order entered the stage (orders.stage_entered_at).
 */
export interface ArScheduleDay {
  day: number;
  action: 'charge' | 'reject';
  /** Minor units off the amount due, for this day's charge: only for orders in `couponCurrency`. */
  couponAmount?: number;
  /** ISO 4217: the currency of `couponAmount`; orders in other currencies are charged in full that day. */
  couponCurrency?: string;
  /** Percent off the amount due, for this day's charge. */
  couponPercent?: number;
}

export interface ArSchedule {
  enabled: boolean;
  /** Sorted by day; days are unique. */
  days: ArScheduleDay[];
  /** Reject the order the day after the last scheduled day if it is still unpaid. */
  rejectAtEnd: boolean;
  version: number;
}

export const DAY_MS = 86_400_000;
export const MAX_SCHEDULE_DAY = 7;
const KEY = 'ar_schedule';

export const DEFAULT_AR_SCHEDULE: ArSchedule = {
  enabled: true,
  days: [
    { day: 1, action: 'charge' },
    { day: 3, action: 'charge' },
    { day: 5, action: 'charge', couponPercent: 10 },
    { day: 7, action: 'reject' },
  ],
  rejectAtEnd: true,
  version: 0,
};

export async function getArSchedule(db: Executor): Promise<ArSchedule> {
  return (await readSetting(db, KEY, DEFAULT_AR_SCHEDULE)).value;
}

export async function updateArSchedule(
  trx: Trx, change: Omit<ArSchedule, 'version'>, expectedVersion: number, actor: string, now = Date.now(),
): Promise<ArSchedule> {
  const days = validateDays(change.days);
  const current = await readSetting(trx, KEY, DEFAULT_AR_SCHEDULE);
  return changeSetting(trx, current, {
    key: KEY, label: 'the A/R schedule', expectedVersion, next: { enabled: change.enabled, days, rejectAtEnd: change.rejectAtEnd }, actor, now,
  });
}

/** The schema bounds each field; what it cannot say (uniqueness, one coupon kind, no coupon on a reject) is checked here. */
function validateDays(days: ArScheduleDay[]): ArScheduleDay[] {
  const seen = new Set<number>();
  days.forEach((d, i) => {
    if (seen.has(d.day)) throw invalid(`/days/${i}/day`, `day ${d.day} appears twice; each day has one action`);
    seen.add(d.day);
    if (d.couponAmount !== undefined && d.couponPercent !== undefined) throw invalid(`/days/${i}`, 'give couponAmount or couponPercent, not both');
    if (d.action === 'reject' && (d.couponAmount !== undefined || d.couponPercent !== undefined)) throw invalid(`/days/${i}`, 'a coupon goes with a charge, not a reject');
    // An amount means nothing without its currency: 500 is $5 on one order and ¥500 on the next.
    if (d.couponAmount !== undefined && d.couponCurrency === undefined) throw invalid(`/days/${i}/couponCurrency`, 'give the currency of couponAmount (a percent coupon suits every currency)');
    if (d.couponCurrency !== undefined && d.couponAmount === undefined) throw invalid(`/days/${i}/couponCurrency`, 'couponCurrency goes with couponAmount');
    if (d.couponCurrency !== undefined && !isCurrency(d.couponCurrency)) throw invalid(`/days/${i}/couponCurrency`, `"${d.couponCurrency}" is not an ISO 4217 currency code`);
  });
  return [...days].sort((a, b) => a.day - b.day).map((d) => ({
    day: d.day, action: d.action,
    ...(d.couponAmount !== undefined ? { couponAmount: d.couponAmount, couponCurrency: d.couponCurrency! } : {}),
    ...(d.couponPercent !== undefined ? { couponPercent: d.couponPercent } : {}),
  }));
}

/** What the schedule asks for an order today; `day` is the schedule day the action belongs to. */
export type DueAction =
  | { action: 'charge'; day: number; couponAmount?: number; couponCurrency?: string; couponPercent?: number }
  | { action: 'reject'; day: number; reason: string };

/**
 * The latest scheduled action due after `elapsedMs` in A/R. A missed day is not made up: an order
 * found on day 4 gets day 3's action (if not yet taken), never day 1's as well. After the last
 * scheduled day, `rejectAtEnd` rejects.
 */
export function dueAction(schedule: Pick<ArSchedule, 'days' | 'rejectAtEnd'>, elapsedMs: number): DueAction | undefined {
  const elapsedDays = Math.floor(elapsedMs / DAY_MS);
  if (elapsedDays < 1) return undefined;
  const lastDay = schedule.days.at(-1)?.day ?? 0;
  if (schedule.rejectAtEnd && elapsedDays > lastDay && schedule.days.at(-1)?.action !== 'reject') {
    return { action: 'reject', day: lastDay + 1, reason: `A/R retry schedule: end (day ${lastDay + 1})` };
  }
  const entry = [...schedule.days].reverse().find((d) => d.day <= elapsedDays);
  if (!entry) return undefined;
  if (entry.action === 'reject') return { action: 'reject', day: entry.day, reason: `A/R retry schedule: day ${entry.day}` };
  return {
    action: 'charge', day: entry.day,
    ...(entry.couponAmount !== undefined ? { couponAmount: entry.couponAmount } : {}),
    ...(entry.couponCurrency !== undefined ? { couponCurrency: entry.couponCurrency } : {}),
    ...(entry.couponPercent !== undefined ? { couponPercent: entry.couponPercent } : {}),
  };
}

/**
 * What a coupon takes off the amount due, in the order's currency; a charge never drops below one minor
 * unit (a write-off is a reject). An amount coupon applies only to orders in its currency. (One saved
 * before amounts carried a currency has none and applies as it always did.)
 */
export function couponOff(due: number, c: { couponAmount?: number; couponCurrency?: string; couponPercent?: number }, currency: string): number {
  const amount = c.couponAmount !== undefined && (c.couponCurrency === undefined || c.couponCurrency === currency) ? c.couponAmount : undefined;
  const off = amount ?? (c.couponPercent !== undefined ? roundHalfEven((due * c.couponPercent) / 100) : 0);
  return Math.max(0, Math.min(off, due - 1));
}

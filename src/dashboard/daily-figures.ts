import { type Db, readerOf, type Trx } from '../db/database.js';
import { transact } from '../db/transact.js';
import { bumpDayGeneration, DAY_MS, type DayFigures, findDayRows, saveDayFigures, sumOrdersByDay } from './dashboard.repository.js';

/*
 * Orders and revenue per UTC day for the dashboard, without any work on the order-creation path.
 *
 * Today is summed live (one range scan over orders_created_idx). A finished day rarely changes, so it
 * is summed once, the first time the dashboard needs it, and stored in dashboard_days. What can still
 * change a finished day, and how it is handled:
 *  - an order committed just after midnight with a created_at just before it: a day is stored only
 *    SETTLE_MS after it ends and is summed live until then;
 *  - an edit that changes an old order's total (items, shipping): updateOrder calls
 *    noteOrderTotalChanged, which bumps the day's generation, so its stored figures stop counting;
 *  - deleting an order: only test orders can be deleted, and test orders are not counted;
 *  - a bulk load (the seeder) writing into past days: it clears the table (clearDayFigures).
 * Refunds do not change `total`, so revenue is the gross of orders placed that day.
 */

/** How many UTC days the dashboard shows, today included. */
export const DASHBOARD_DAYS = 30;

/**
 * An order's created_at is taken when its transaction starts, so an order of 23:59:59 may commit just
 * after midnight (and an edit, likewise). Transactions and clock skew between servers are assumed to stay
 * well below this.
 */
export const SETTLE_MS = 5 * 60_000;

export const startOfUtcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** The figures of the last DASHBOARD_DAYS days, oldest first, then by currency; days without orders have none. */
export async function listDailyFigures(db: Db, now: number): Promise<DayFigures[]> {
  const reader = readerOf(db);
  const today = startOfUtcDay(now);
  const first = today - (DASHBOARD_DAYS - 1) * DAY_MS;
  const liveFrom = Math.max(first, startOfUtcDay(now - SETTLE_MS));

  // The generations are read before any order is summed: a change committed in between then leaves
  // the day marked stale rather than stored with figures that predate the change.
  const stored = new Map((await findDayRows(reader, first, liveFrom)).map((r) => [Number(r.day_start), r]));
  const out: DayFigures[] = [];
  const missing: MissingDay[] = [];
  for (let day = first; day < liveFrom; day += DAY_MS) {
    const row = stored.get(day);
    if (row && row.figures_json !== null && row.computed_generation === row.generation) {
      for (const f of JSON.parse(row.figures_json) as Omit<DayFigures, 'dayStart'>[]) out.push({ dayStart: day, ...f });
    } else {
      missing.push({ dayStart: day, generation: row ? Number(row.generation) : 0 });
    }
  }
  if (missing.length) out.push(...(await computeDays(db, missing, now)));
  out.push(...(await sumOrdersByDay(reader, liveFrom, today + DAY_MS)));
  return out.sort((a, b) => a.dayStart - b.dayStart || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}

/**
 * Records that an order placed at `createdAt` changed its total. Only a finished day needs it: an open
 * day is summed live and cannot be stored before SETTLE_MS after its end, by when this edit has committed.
 * Edits of today's orders (the common case) therefore never touch dashboard_days.
 */
export async function noteOrderTotalChanged(trx: Trx, createdAt: number, now: number): Promise<void> {
  const day = startOfUtcDay(createdAt);
  if (day + DAY_MS <= now) await bumpDayGeneration(trx, day);
}

interface MissingDay {
  dayStart: number;
  generation: number;
}

/** Sums the missing days (one range scan per run of consecutive days) and stores them in one transaction. */
async function computeDays(db: Db, missing: MissingDay[], now: number): Promise<DayFigures[]> {
  const reader = readerOf(db);
  const figures: DayFigures[] = [];
  for (const run of consecutiveRuns(missing)) figures.push(...(await sumOrdersByDay(reader, run.from, run.to)));
  await transact(db, async (trx) => {
    for (const day of missing) {
      const ofDay = figures.filter((f) => f.dayStart === day.dayStart).map(({ currency, orders, revenue }) => ({ currency, orders, revenue }));
      await saveDayFigures(trx, day.dayStart, day.generation, ofDay, now);
    }
  });
  return figures;
}

function consecutiveRuns(days: MissingDay[]): { from: number; to: number }[] {
  const runs: { from: number; to: number }[] = [];
  for (const { dayStart } of days) {
    const last = runs.at(-1);
    if (last && last.to === dayStart) last.to = dayStart + DAY_MS;
    else runs.push({ from: dayStart, to: dayStart + DAY_MS });
  }
  return runs;
}

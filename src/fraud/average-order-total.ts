import type { Executor } from '../db/database.js';
import { cachePerDatabase } from '../db/database-cache.js';
import { findLatestOrderTotals, findStoredDayFigures } from './fraud.repository.js';

const DAY_MS = 86_400_000;
/** The trailing average covers this many finished days of the dashboard's stored figures… */
const TRAILING_DAYS = 30;
/** …or, where those are missing (the dashboard computes days lazily), the latest this many orders. */
const LATEST_ORDERS = 1_000;
const CACHE_MS = 60_000;

export interface AverageOrderTotal {
  /** Mean order total in minor units. */
  average: number;
  /** How many orders it is the mean of. */
  orders: number;
}

type Sums = Map<string, { orders: number; revenue: number }>;

/*
 * "Total above N× the average order" needs an average per currency on every order, and summing orders
 * per order would scan the table. Both sources here are bounded (≤ 30 small rows; ≤ 1,000 orders along
 * the primary key) and read at most once a minute per database, for every currency at once.
 */
const cache = cachePerDatabase(CACHE_MS, (db) => loadAverages(db, Date.now()));

export async function trailingAverageOrderTotal(db: Executor, currency: string): Promise<AverageOrderTotal | null> {
  return (await cache.get(db)).get(currency) ?? null;
}

/** Forgets the cached averages of a database (tests, and after a bulk load). */
export function forgetAverageOrderTotals(db: Executor): void {
  cache.forget(db);
}

async function loadAverages(db: Executor, now: number): Promise<Map<string, AverageOrderTotal>> {
  const from = Math.floor(now / DAY_MS) * DAY_MS - TRAILING_DAYS * DAY_MS;
  const [days, latest] = await Promise.all([findStoredDayFigures(db, from), findLatestOrderTotals(db, LATEST_ORDERS)]);
  const stored: Sums = new Map();
  for (const json of days) {
    for (const f of JSON.parse(json) as { currency: string; orders: number; revenue: number }[]) add(stored, f.currency, f.orders, f.revenue);
  }
  const recent: Sums = new Map();
  for (const o of latest) add(recent, o.currency, 1, Number(o.total));
  // Per currency, whichever source saw more orders: a month of stored days beats a sample, but a sample
  // beats days the dashboard has not computed yet.
  const out = new Map<string, AverageOrderTotal>();
  for (const currency of new Set([...stored.keys(), ...recent.keys()])) {
    const a = stored.get(currency);
    const b = recent.get(currency);
    const best = !b || (a && a.orders >= b.orders) ? a! : b;
    if (best.orders > 0) out.set(currency, { average: best.revenue / best.orders, orders: best.orders });
  }
  return out;
}

function add(sums: Sums, currency: string, orders: number, revenue: number) {
  const s = sums.get(currency) ?? { orders: 0, revenue: 0 };
  s.orders += orders;
  s.revenue += revenue;
  sums.set(currency, s);
}

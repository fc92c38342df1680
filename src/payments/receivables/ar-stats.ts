import type { Executor } from '../../db/database.js';
import { DAY_MS } from './ar-schedule.js';
import { listScheduleRejections, sumArCollections } from './receivables.repository.js';

export interface ArDayStats {
  day: string;
  attempted: number;
  approved: number;
  recovered: { currency: string; amount: number }[];
  rejectedBySchedule: number;
}

/**
 * Recovered revenue per UTC day over the last `days` days (today included, newest first): A/R retries
 * attempted (manual and scheduled) and approved; the money collected per currency by every payment taken
 * while the order waited in Accounts Receivable — retries, payment-request links and mark paid, each
 * counted once; and the orders the schedule rejected. Read from the window only: the ledger's partial A/R
 * index and the ar_days rollup.
 */
export async function getArStats(db: Executor, days: number, now = Date.now()): Promise<ArDayStats[]> {
  const today = Math.floor(now / DAY_MS);
  const first = today - days + 1;
  const byDay = new Map<number, ArDayStats>();
  for (let d = today; d >= first; d--) {
    byDay.set(d, { day: new Date(d * DAY_MS).toISOString().slice(0, 10), attempted: 0, approved: 0, recovered: [], rejectedBySchedule: 0 });
  }
  for (const f of await sumArCollections(db, first * DAY_MS, (today + 1) * DAY_MS)) {
    const day = byDay.get(f.day);
    if (!day) continue;
    if (f.source === 'retry') {
      day.attempted += f.count;
      if (f.status === 'approved') day.approved += f.count;
    }
    if (f.amount <= 0) continue;
    const money = day.recovered.find((m) => m.currency === f.currency);
    if (money) money.amount += f.amount;
    else day.recovered.push({ currency: f.currency, amount: f.amount });
  }
  const firstDay = new Date(first * DAY_MS).toISOString().slice(0, 10);
  const byName = new Map([...byDay.values()].map((d) => [d.day, d]));
  for (const r of await listScheduleRejections(db, firstDay)) {
    const day = byName.get(r.day);
    if (day) day.rejectedBySchedule += Number(r.rejected);
  }
  return [...byDay.values()];
}

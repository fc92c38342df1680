import { type Db, readerOf } from '../db/database.js';
import { listStageCounts } from '../search/list-stage-counts.js';
import { toIso } from '../shared/time.js';
import { listDailyFigures } from './daily-figures.js';
import { findOldestPerStage } from './dashboard.repository.js';
import type { DashboardDto } from './dashboard.schemas.js';
import type { Stage } from '../stages/stages.js';

/**
 * The back office home page: orders and revenue per day, and per stage how many orders wait and which
 * has waited longest. Counts come from the maintained counters; nothing here counts or scans orders
 * beyond today's (see daily-figures.ts).
 */
export async function getDashboard(db: Db, visible?: readonly Stage[], now = Date.now()): Promise<DashboardDto> {
  const reader = readerOf(db);
  // The stages the caller may not see are left out, with their longest-waiting order (auth/stage-access.ts).
  const [days, counts, oldest] = await Promise.all([listDailyFigures(db, now), listStageCounts(reader, visible), findOldestPerStage(reader)]);
  const oldestByStage = new Map(oldest.map((o) => [o.stage, o]));
  return {
    days: days.map((d) => ({ day: toIso(d.dayStart).slice(0, 10), currency: d.currency, orders: d.orders, revenue: d.revenue })),
    stages: counts.map(({ stage, label, count }) => {
      const o = oldestByStage.get(stage);
      return {
        stage, label, count,
        oldest: o ? { orderId: o.order_number, customerName: o.customer_name, enteredAt: toIso(Number(o.stage_entered_at)), total: Number(o.total), currency: o.currency } : null,
      };
    }),
    generatedAt: toIso(now),
  };
}

import { sql } from 'kysely';
import type { Executor, Trx } from '../db/database.js';
import { STAGES } from '../stages/stages.js';
import type { DashboardDayRow } from './dashboard.table.js';

export const DAY_MS = 86_400_000;

/** Orders and revenue of one currency on one UTC day. */
export interface DayFigures {
  dayStart: number;
  currency: string;
  orders: number;
  revenue: number;
}

export async function findDayRows(db: Executor, from: number, to: number): Promise<DashboardDayRow[]> {
  return db.selectFrom('dashboard_days').selectAll().where('day_start', '>=', from).where('day_start', '<', to).orderBy('day_start').execute();
}

/**
 * Orders placed in [from, to) per UTC day and currency: one range scan over orders_created_idx. Test
 * orders are left out, as they are not sales (which also makes deleting one, the only hard delete, harmless).
 */
export async function sumOrdersByDay(db: Executor, from: number, to: number): Promise<DayFigures[]> {
  const day = sql<number>`created_at / ${sql.lit(DAY_MS)}`;
  const rows = await db
    .selectFrom('orders')
    .select([
      day.as('day'), 'currency', (eb) => eb.fn.countAll<number>().as('orders'),
      // PostgreSQL sums BIGINT into NUMERIC, which pg hands back as a string.
      sql<number>`cast(sum(total) as bigint)`.as('revenue'),
    ])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .where('is_test', '=', 0)
    .groupBy([day, 'currency'])
    .execute();
  return rows.map((r) => ({ dayStart: Number(r.day) * DAY_MS, currency: r.currency, orders: Number(r.orders), revenue: Number(r.revenue) }));
}

/**
 * Stores a day's figures computed while the day was at `generation`, unless an order of that day has
 * changed since (generation moved on): then the figures may predate the change and are dropped, and the
 * next reader computes the day again. An upsert, so racing servers never fail on each other.
 */
export async function saveDayFigures(trx: Trx, dayStart: number, generation: number, figures: Omit<DayFigures, 'dayStart'>[], now: number): Promise<void> {
  await trx
    .insertInto('dashboard_days')
    .values({ day_start: dayStart, generation, computed_generation: generation, figures_json: JSON.stringify(figures), computed_at: now })
    .onConflict((oc) => oc
      .column('day_start')
      .doUpdateSet((eb) => ({
        computed_generation: eb.ref('excluded.computed_generation'), figures_json: eb.ref('excluded.figures_json'), computed_at: eb.ref('excluded.computed_at'),
      }))
      .where('dashboard_days.generation', '=', (eb) => eb.ref('excluded.computed_generation')))
    .execute();
}

/** Marks a finished day as changed: its stored figures no longer count until computed again. */
export async function bumpDayGeneration(trx: Trx, dayStart: number): Promise<void> {
  await trx
    .insertInto('dashboard_days')
    .values({ day_start: dayStart, generation: 1 })
    .onConflict((oc) => oc.column('day_start').doUpdateSet((eb) => ({ generation: eb('dashboard_days.generation', '+', 1) })))
    .execute();
}

/** Forgets every stored day, e.g. after a bulk load wrote orders into days already summed. */
export async function clearDayFigures(db: Executor): Promise<void> {
  await db.deleteFrom('dashboard_days').execute();
}

export interface OldestInStageRow {
  stage: string;
  order_number: string;
  customer_name: string;
  stage_entered_at: number;
  total: number;
  currency: string;
}

/** The longest-waiting order of every stage: one seek per stage at the start of orders_stage_entered_idx. */
export async function findOldestPerStage(db: Executor): Promise<OldestInStageRow[]> {
  const branches = STAGES.map((stage, i) => sql`select * from (
      select stage, order_number, customer_name, stage_entered_at, total, currency from orders
      where stage = ${stage} order by stage_entered_at, id limit 1) ${sql.raw(`s${i}`)}`);
  const { rows } = await sql<OldestInStageRow>`${sql.join(branches, sql` union all `)}`.execute(db);
  return rows;
}

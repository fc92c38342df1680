import type { Selectable } from 'kysely';

/** The lazily kept figures of finished UTC days (see daily-figures.ts for when a row is current). */
export interface DashboardDaysTable {
  day_start: number;
  generation: number;
  computed_generation: number | null;
  figures_json: string | null;
  computed_at: number | null;
}

export type DashboardDayRow = Selectable<DashboardDaysTable>;

import type {} from '../../jobs/jobs.table.js'; // job_leases, created by the same migration

/** Orders the A/R retry schedule rejected, per UTC day (`YYYY-MM-DD`). */
export interface ArDaysTable {
  day: string;
  rejected: number;
}

declare module '../../db/schema.js' {
  interface Database {
    ar_days: ArDaysTable;
  }
}

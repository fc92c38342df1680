/** Which process runs a periodic job, until when (epoch ms). */
export interface JobLeasesTable {
  name: string;
  owner: string;
  lease_until: number;
}

declare module '../db/schema.js' {
  interface Database {
    job_leases: JobLeasesTable;
  }
}

import type { Generated, Selectable } from 'kysely';

/** "Item <sku> became available": one walk of the orders waiting on it, and how far it got. */
export interface PreorderReleasesTable {
  id: Generated<number>;
  sku: string;
  /** The actor of the catalog edit that made the item available. */
  requested_by: string;
  requested_at: number;
  /** The walk's place: orders with a higher id are still to be looked at. */
  after_order_id: Generated<number>;
  released: Generated<number>;
  /** Null while orders may still be waiting on this release. */
  finished_at: number | null;
}

export type PreorderReleaseRow = Selectable<PreorderReleasesTable>;

declare module '../db/schema.js' {
  interface Database {
    preorder_releases: PreorderReleasesTable;
  }
}

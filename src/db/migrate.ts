import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as orderCore from './migrations/2026-11-26T0600-order-core.js';
import * as savedViews from './migrations/2026-11-26T0900-saved-views.js';
import * as dashboardDays from './migrations/2026-11-26T0910-dashboard-days.js';
import * as cardVault from './migrations/2026-11-26T1000-card-vault.js';
import * as gatewayEvents from './migrations/2026-11-26T1010-gateway-events.js';
import * as searchStatistics from './migrations/2026-11-26T1100-search-statistics.js';
import * as paymentLedger from './migrations/2026-11-26T1200-payment-ledger.js';
import * as fraud from './migrations/2026-11-26T1210-fraud.js';
import * as receivables from './migrations/2026-11-26T1230-receivables.js';
import * as payLinks from './migrations/2026-11-26T1240-pay-links.js';
import * as gatewayEventOutcome from './migrations/2026-11-27T0900-gateway-event-outcome.js';
import * as searchTermsRevision from './migrations/2026-11-27T2200-search-terms-revision.js';
import * as idempotencyKeyAge from './migrations/2026-11-27T2300-idempotency-key-age.js';
import * as preorderReleases from './migrations/2026-11-28T1000-preorder-releases.js';
import * as searchTermsEmailDomain from './migrations/2026-11-28T1100-search-terms-email-domain.js';
import * as chargebackTotals from './migrations/2026-11-28T1200-chargeback-totals.js';
import * as blockListLabels from './migrations/2026-11-28T1300-block-list-labels.js';
import * as arCollectionsIndex from './migrations/2026-11-28T1400-ar-collections-index.js';
import type { Db } from './database.js';

/** Migrations are listed here by name, oldest first; names sort by time so order never depends on the file system. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-26T0600-order-core': orderCore,
  '2026-11-26T0900-saved-views': savedViews,
  '2026-11-26T0910-dashboard-days': dashboardDays,
  '2026-11-26T1000-card-vault': cardVault,
  '2026-11-26T1010-gateway-events': gatewayEvents,
  '2026-11-26T1100-search-statistics': searchStatistics,
  '2026-11-26T1200-payment-ledger': paymentLedger,
  '2026-11-26T1210-fraud': fraud,
  '2026-11-26T1230-receivables': receivables,
  '2026-11-26T1240-pay-links': payLinks,
  '2026-11-27T0900-gateway-event-outcome': gatewayEventOutcome,
  '2026-11-27T2200-search-terms-revision': searchTermsRevision,
  '2026-11-27T2300-idempotency-key-age': idempotencyKeyAge,
  '2026-11-28T1000-preorder-releases': preorderReleases,
  '2026-11-28T1100-search-terms-email-domain': searchTermsEmailDomain,
  '2026-11-28T1200-chargeback-totals': chargebackTotals,
  '2026-11-28T1300-block-list-labels': blockListLabels,
  '2026-11-28T1400-ar-collections-index': arCollectionsIndex,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** `schema`: the PostgreSQL schema the tables live in, when it is not the default (tests use one each). */
export async function migrateToLatest(db: Db, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider(), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

import type { ApiKeysTable, LoginFailuresTable, SessionsTable, UsersTable } from '../auth/auth.table.js';
import type { CatalogItemsTable } from '../catalog/catalog.table.js';
import type { CustomersTable } from '../customers/customers.table.js';
import type { DashboardDaysTable } from '../dashboard/dashboard.table.js';
import type {} from '../fraud/fraud.table.js'; // adds the fraud_* tables to Database (declaration merging)
import type {} from '../payments/pay-links/pay-links.table.js'; // adds pay_links and the mail outbox's outbound_emails (declaration merging)
import type {} from '../payments/receivables/receivables.table.js'; // adds ar_days and job_leases (declaration merging)
import type {
  OrderHistoryTable, OrderItemsTable, OrderNotesTable, OrderSearchTermsTable, OrdersTable, StageCountsTable,
} from '../orders/orders.table.js';
import type { GatewayEventsTable } from '../payments/gateway/gateway-events.table.js';
import type { PaymentLedgerTable } from '../payments/ledger/ledger.table.js';
import type { IdempotencyKeysTable, OutboxTable } from '../outbox/outbox.table.js';
import type { SavedViewsTable } from '../saved-views/saved-views.table.js';
import type { VaultCardsTable } from '../vault/vault.table.js';

/** The whole database as Kysely sees it; each area owns the shapes of its own tables. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  login_failures: LoginFailuresTable;
  catalog_items: CatalogItemsTable;
  customers: CustomersTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  order_notes: OrderNotesTable;
  order_history: OrderHistoryTable;
  order_search_terms: OrderSearchTermsTable;
  stage_counts: StageCountsTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  counters: { name: string; value: number };
  settings: { key: string; value_json: string };
  saved_views: SavedViewsTable;
  dashboard_days: DashboardDaysTable;
  vault_cards: VaultCardsTable;
  gateway_events: GatewayEventsTable;
  payment_ledger: PaymentLedgerTable;
}

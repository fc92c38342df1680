import type { FastifyPluginAsync } from 'fastify';
import { authRoutes } from '../auth/auth.routes.js';
import { catalogRoutes } from '../catalog/catalog.routes.js';
import { customerRoutes } from '../customers/customers.routes.js';
import { dashboardRoutes } from '../dashboard/dashboard.routes.js';
import { opsRoutes } from '../ops/ops.routes.js';
import { orderRoutes } from '../orders/orders.routes.js';
import { gatewayNotificationRoutes } from '../payments/gateway/notifications.routes.js';
import { paymentRoutes } from '../payments/payments.routes.js';
import { fraudReviewRoutes } from '../fraud-review/fraud-review.routes.js';
import { fraudRoutes } from '../fraud/fraud.routes.js';
import { payLinkRoutes } from '../payments/pay-links/pay-links.routes.js';
import { receivablesRoutes } from '../payments/receivables/receivables.routes.js';
import { refundRoutes } from '../payments/refunds/refunds.routes.js';
import { savedViewRoutes } from '../saved-views/saved-views.routes.js';
import { searchRoutes } from '../search/search.routes.js';
import { vaultRoutes } from '../vault/vault.routes.js';
import type { AppContext } from './context.js';

/** Every route module, listed by hand: easier to read and grep than any autoloading. */
export const API_ROUTES: FastifyPluginAsync<AppContext>[] = [
  opsRoutes,
  authRoutes,
  orderRoutes,
  searchRoutes,
  catalogRoutes,
  customerRoutes,
  dashboardRoutes,
  savedViewRoutes,
  gatewayNotificationRoutes,
  paymentRoutes,
  fraudReviewRoutes,
  vaultRoutes,
  fraudRoutes,
  refundRoutes,
  receivablesRoutes,
  payLinkRoutes,
];

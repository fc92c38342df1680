import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { PaymentServices } from '../payments/payment-services.js';

/** What every route module receives: the database, the configuration, the metrics registry and the payment step's services; nothing global. */
export interface AppContext {
  db: Db;
  config: Config;
  registry: Registry;
  payments: PaymentServices;
}

import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';

/** What every route module receives: the database, the configuration and the metrics registry; nothing global. */
export interface AppContext {
  db: Db;
  config: Config;
  registry: Registry;
}

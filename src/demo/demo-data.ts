import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';

/** Placeholder until the demo-data generator lands: fills an empty database with orders in every stage. */
export async function seedDemoDataIfEmpty(_db: Db, _config: Config, _log: Logger): Promise<void> {}

import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { countUsers } from './auth.repository.js';
import { generatePassword } from './password.js';
import { createUser } from './users.service.js';

/**
 * The first start of an empty installation creates an admin. A generated password is printed once,
 * to stdout only (never to the JSON log), and is not stored anywhere in clear.
 */
export async function bootstrapAdmin(db: Db, config: Config, print: (line: string) => void): Promise<void> {
  if ((await countUsers(db)) > 0) return;
  const email = config.adminEmail ?? 'admin@orderdeck.local';
  const password = config.adminPassword ?? generatePassword();
  await createUser(db, { email, name: 'Administrator', role: 'admin', password });
  print('');
  print(`  Orderdeck admin created: ${email}`);
  if (!config.adminPassword) print(`  Password (shown only this once): ${password}`);
  print('');
}

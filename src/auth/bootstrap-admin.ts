import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { countUsers } from './auth.repository.js';
import { generatePassword } from './password.js';
import { insertUserIfAbsent, prepareNewUser } from './users.service.js';

/**
 * The first start of an empty installation creates an admin. A generated password is printed once,
 * to stdout only (never to the JSON log), and is not stored anywhere in clear.
 *
 * Servers starting together on one empty database all see no users; the insert is `on conflict do
 * nothing`, so exactly one of them creates the admin, and only that one prints the password it stored
 * (the others' generated passwords were never valid). True when this call created the admin.
 */
export async function bootstrapAdmin(db: Db, config: Config, print: (line: string) => void): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  const email = config.adminEmail ?? 'admin@orderdeck.local';
  const password = config.adminPassword ?? generatePassword();
  const created = await insertUserIfAbsent(db, await prepareNewUser({ email, name: 'Administrator', role: 'admin', password }));
  if (created === undefined) return false;
  print('');
  print(`  Orderdeck admin created: ${email}`);
  if (!config.adminPassword) print(`  Password (shown only this once): ${password}`);
  print('');
  return true;
}

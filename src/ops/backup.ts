import fs from 'node:fs';
import path from 'node:path';
import { type Db, isPostgres, sqliteHandleOf } from '../db/database.js';

export type BackupResult = { ok: true; file: string; bytes: number } | { ok: false; message: string };

/**
 * Copies the SQLite database with SQLite's online backup API (through better-sqlite3), which
 * produces a consistent snapshot while the server keeps reading and writing. PostgreSQL has its
 * own tool for this, so the answer there is a pointer to pg_dump rather than a half-way copy.
 */
export async function backupDatabase(db: Db, outFile: string): Promise<BackupResult> {
  if (isPostgres(db)) {
    return { ok: false, message: `PostgreSQL is backed up with its own tool: pg_dump "$DATABASE_URL" > ${outFile}` };
  }
  const sqlite = sqliteHandleOf(db);
  if (!sqlite) return { ok: false, message: 'no SQLite handle for this database' };
  if (sqlite.memory) return { ok: false, message: 'an in-memory database cannot be backed up' };
  const file = path.resolve(outFile);
  if (fs.existsSync(file)) return { ok: false, message: `${file} exists already; choose a new file name` };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Customer data and password, session and key hashes: readable by the owner only, like the database.
  fs.writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
  await sqlite.backup(file);
  return { ok: true, file, bytes: fs.statSync(file).size };
}

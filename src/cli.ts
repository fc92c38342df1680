import { Command } from 'commander';
import { loadConfig } from './config.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase, serve } from './server.js';

const program = new Command().name('orderdeck').description('Orderdeck order management back office');

program.command('serve').description('start the HTTP server (migrates first)').action(async () => {
  await serve(loadConfig());
});

program.command('migrate').description('apply database migrations').action(async () => {
  const db = openDatabase(loadConfig());
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await db.destroy();
  }
});

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

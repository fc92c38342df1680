import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the SQLite write-ahead log back into the database file from a worker thread. Left to itself
 * SQLite checkpoints inside whichever commit crosses the threshold, on the main thread, with an fsync
 * (milliseconds on ordinary disks) that stalls every request in flight. Here the writer's automatic
 * checkpoint is raised to a safety net only, and this thread checkpoints (PASSIVE: never blocks the
 * writer or readers) on its own connection, on the other core.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: try again next tick */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/** The writer checkpoints by itself only if the worker falls this far behind (pages of 4 KiB). */
export const SAFETY_NET_CHECKPOINT_PAGES = 16_384;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, intervalMs = 200): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  // Never keeps a process alive, and a crash of the worker only means the writer checkpoints itself again.
  worker.unref();
  worker.on('error', () => {});
  let stopped: Promise<void> | undefined;
  return {
    stop: () => (stopped ??= new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
      setTimeout(() => void worker.terminate(), 2000).unref();
    })),
  };
}

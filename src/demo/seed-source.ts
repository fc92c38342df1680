import { Worker } from 'node:worker_threads';
import { type SeedMessage, seedMessages, type SeedPlan } from './seed-batches.js';

/** Below this many orders a worker's start-up (it loads faker too) costs more than it overlaps. */
const WORKER_MIN_ORDERS = 20_000;
/** Batches the worker may generate ahead of the writer. */
const AHEAD = 2;

/**
 * The seed run's messages, generated on a worker thread for large runs so generation overlaps the
 * inserts, or on this thread for small ones and when running from TypeScript sources (tests), where
 * there is no compiled worker file to start.
 */
export function seedStream(plan: SeedPlan): AsyncGenerator<SeedMessage> {
  const compiled = import.meta.url.endsWith('.js');
  return compiled && plan.orders >= WORKER_MIN_ORDERS ? fromWorker(plan) : fromThisThread(plan);
}

async function* fromThisThread(plan: SeedPlan): AsyncGenerator<SeedMessage> {
  yield* seedMessages(plan);
}

async function* fromWorker(plan: SeedPlan): AsyncGenerator<SeedMessage> {
  const consumed = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./seed-worker.js', import.meta.url), {
    workerData: { plan, consumed, ahead: AHEAD },
    // Generation makes short-lived objects by the million; a larger young generation collects them with fewer pauses.
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
  });
  const queue: SeedMessage[] = [];
  let failure: unknown;
  let exited = false;
  let wake = () => {};
  worker.on('message', (m: SeedMessage) => { queue.push(m); wake(); });
  worker.on('error', (e) => { failure = e; wake(); });
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0) failure ??= new Error(`seed worker exited with code ${code}`);
    wake();
  });
  try {
    for (;;) {
      const message = queue.shift();
      if (message) {
        yield message;
        if (message.kind === 'batch') {
          Atomics.add(consumed, 0, 1);
          Atomics.notify(consumed, 0);
        }
        continue;
      }
      if (failure) throw failure;
      if (exited) return;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
  } finally {
    if (!exited) await worker.terminate();
  }
}

import { parentPort, workerData } from 'node:worker_threads';
import { seedMessages, type SeedMessage, type SeedPlan } from './seed-batches.js';

/**
 * Generates the seed run on the second core while the main thread inserts. `consumed` counts the
 * batches the writer has finished; generation waits while it is `ahead` batches in front, so a slow
 * disk cannot make the queue (and memory) grow without bound.
 */
const { plan, consumed, ahead } = workerData as { plan: SeedPlan; consumed: Int32Array; ahead: number };

const buffersOf = (m: SeedMessage): ArrayBuffer[] => {
  const terms = m.kind === 'terms' ? m.terms : m.kind === 'batch' ? m.batch.terms : undefined;
  return terms ? [terms.kinds.buffer, terms.rank.buffer, terms.order.buffer] as ArrayBuffer[] : [];
};

let sent = 0;
for (const message of seedMessages(plan)) {
  if (message.kind === 'batch') {
    for (let done = Atomics.load(consumed, 0); done < sent - ahead; done = Atomics.load(consumed, 0)) Atomics.wait(consumed, 0, done);
    sent += 1;
  }
  parentPort!.postMessage(message, buffersOf(message));
}

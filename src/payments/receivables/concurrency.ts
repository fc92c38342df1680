/**
 * At most `limit` tasks at once. `run` resolves as soon as the task has a slot (not when it ends), so a
 * producer walking a long list keeps every slot busy without holding the whole list in promises;
 * `drain` waits for the tasks still running. A task's failure goes to `onError`, never to the producer.
 */
export function createPool(limit: number, onError: (error: unknown) => void) {
  const running = new Set<Promise<void>>();
  return {
    async run(task: () => Promise<void>): Promise<void> {
      while (running.size >= limit) await Promise.race(running);
      const p: Promise<void> = task().catch(onError).finally(() => running.delete(p));
      running.add(p);
    },
    async drain(): Promise<void> {
      while (running.size) await Promise.race(running);
    },
  };
}

/** Maps `items` through `fn`, `limit` at a time, keeping their order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

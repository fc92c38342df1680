import { expect, it } from 'vitest';
import { buildDemoPools } from './demo-pools.js';
import { OrderGenerator } from './generate-orders.js';
import { Rng } from './random.js';
import { ITEM_COLUMNS, MAX_PARAMS, ORDER_COLUMNS, ORDER_WIDTH, type EncodedBatch, seedMessages, type SeedPlan } from './seed-batches.js';

it('encodes each generated order column by column, in the order the writer binds them', () => {
  const plan: SeedPlan = { orders: 1000, batchSize: 400, seed: 7, now: Date.UTC(2026, 10, 1), orderNumberPrefix: 'OD-', firstSequence: 1000, termsAtEnd: false };
  const batches = [...seedMessages(plan)].flatMap((m) => (m.kind === 'batch' ? [m.batch] : [])) as EncodedBatch[];
  const pools = buildDemoPools(plan.seed, plan.now, new Rng(plan.seed));
  const generator = new OrderGenerator({ pools, seed: plan.seed, count: plan.orders, now: plan.now, orderNumberPrefix: 'OD-' }, plan.firstSequence);
  expect(batches.map((b) => b.count)).toEqual([400, 400, 200]);
  for (const batch of batches) {
    const b = { ...batch, orders: batch.orders.flat(), items: batch.items.flat() };
    expect(batch.orders.every((chunk) => chunk.length <= MAX_PARAMS && chunk.length % ORDER_WIDTH === 0)).toBe(true);
    const items: unknown[] = [];
    for (let i = 0; i < b.count; i++) {
      const o = generator.generate(b.start + i, plan.firstSequence + b.start + i);
      const row = o.row as Record<string, unknown>;
      expect(b.orders.slice(i * ORDER_WIDTH + 1, (i + 1) * ORDER_WIDTH - 1)).toEqual(ORDER_COLUMNS.map((c) => row[c] ?? null));
      expect(b.orders[(i + 1) * ORDER_WIDTH - 1]).toBe(o.customer.email);
      for (const it of o.items) items.push(...ITEM_COLUMNS.map((c) => (c === 'order_id' ? b.start + i : (it as unknown as Record<string, unknown>)[c] ?? null)));
    }
    expect(b.items).toEqual(items);
    expect(b.terms!.rank.length).toBeGreaterThan(b.count * 10);
  }
});

/**
 * A small seeded generator (mulberry32): the same seed gives the same demo data, and it is far
 * cheaper per draw than faker, which matters at a million orders.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  float(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** 0 … n-1 */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    let table = tables.get(weights);
    if (!table) tables.set(weights, (table = cumulative(weights)));
    const x = this.float() * table.total;
    let i = 0;
    while (table.bounds[i]! <= x) i++;
    return table.keys[i] as K;
  }
}

// Weight tables are module constants, so their cumulative form is computed once per table.
const tables = new WeakMap<object, { keys: string[]; bounds: number[]; total: number }>();
function cumulative(weights: Readonly<Record<string, number>>) {
  const keys = Object.keys(weights);
  let total = 0;
  const bounds = keys.map((k) => (total += weights[k]!));
  return { keys, bounds, total };
}

/** Mixes two integers into a seed, so per-customer draws do not depend on the order they are made in. */
export function mixSeed(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

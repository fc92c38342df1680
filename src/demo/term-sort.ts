import { type Term, TERM_KINDS } from '../search/search-terms.js';

/**
 * Search-term rows sorted by the order_search_terms primary key (term, kind, created_at, order_id),
 * as compact arrays: each distinct (term, kind) pair once, and per row its pair's rank and the order's
 * position in the seed run. Typed arrays move between threads without copying, and a million-order
 * seed repeats most terms (names, cities, SKUs) thousands of times.
 */
export interface SortedTerms {
  /** Distinct terms in key order; `kinds[r]` indexes TERM_KINDS. */
  terms: string[];
  kinds: Uint8Array;
  /** Per row, in key order: the rank of its (term, kind) pair and the order's run index. */
  rank: Uint32Array;
  order: Uint32Array;
}

const KIND_INDEX = new Map<string, number>(TERM_KINDS.map((k, i) => [k, i]));
/** Per kind index, the position of its name in sorted order: kinds compare as the text SQLite stores. */
const KIND_ORDER = TERM_KINDS.map((k) => [...TERM_KINDS].sort().indexOf(k));

/**
 * Collects term rows order by order, then sorts them by (term, kind) with one sort of the distinct
 * pairs and a counting sort of the rows. Orders arrive in run order, which is (created_at, id) order,
 * so the stable counting sort yields the full primary-key order without comparing rows.
 */
export class TermCollector {
  private readonly byKind = TERM_KINDS.map(() => new Map<string, number>());
  private readonly pairTerm: string[] = [];
  private readonly pairKind: number[] = [];
  private pair = new Uint32Array(1 << 16);
  private order = new Uint32Array(1 << 16);
  private n = 0;

  get size(): number {
    return this.n;
  }

  add(orderIndex: number, terms: readonly Term[]): void {
    if (this.n + terms.length > this.pair.length) this.grow(this.n + terms.length);
    for (const t of terms) {
      const kind = KIND_INDEX.get(t.kind)!;
      const map = this.byKind[kind]!;
      let id = map.get(t.term);
      if (id === undefined) {
        id = this.pairTerm.length;
        map.set(t.term, id);
        this.pairTerm.push(t.term);
        this.pairKind.push(kind);
      }
      this.pair[this.n] = id;
      this.order[this.n++] = orderIndex;
    }
  }

  sorted(): SortedTerms {
    const { pairTerm, pairKind } = this;
    const pairs = pairTerm.length;
    // UTF-16 order equals SQLite's byte order except around surrogates; a rare misplaced row only costs a page visit.
    const byKey = Array.from({ length: pairs }, (_, i) => i).sort((a, b) => {
      const ta = pairTerm[a]!;
      const tb = pairTerm[b]!;
      if (ta !== tb) return ta < tb ? -1 : 1;
      return KIND_ORDER[pairKind[a]!]! - KIND_ORDER[pairKind[b]!]!;
    });
    const rankOf = new Uint32Array(pairs);
    const terms = new Array<string>(pairs);
    const kinds = new Uint8Array(pairs);
    byKey.forEach((p, r) => {
      rankOf[p] = r;
      terms[r] = pairTerm[p]!;
      kinds[r] = pairKind[p]!;
    });
    const start = new Uint32Array(pairs + 1);
    for (let i = 0; i < this.n; i++) start[rankOf[this.pair[i]!]! + 1]! += 1;
    for (let r = 0; r < pairs; r++) start[r + 1]! += start[r]!;
    const rank = new Uint32Array(this.n);
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const r = rankOf[this.pair[i]!]!;
      const at = start[r]!++;
      rank[at] = r;
      order[at] = this.order[i]!;
    }
    return { terms, kinds, rank, order };
  }

  private grow(min: number): void {
    const size = Math.max(min, this.pair.length * 2);
    const pair = new Uint32Array(size);
    const order = new Uint32Array(size);
    pair.set(this.pair.subarray(0, this.n));
    order.set(this.order.subarray(0, this.n));
    this.pair = pair;
    this.order = order;
  }
}

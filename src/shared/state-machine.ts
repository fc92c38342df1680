/**
 * A small generic state machine: life cycles are data (a transition table), and guards explain a
 * refusal with a reason instead of throwing. Orders use it now; payments, disputes, cases and auto
 * orders reuse it.
 */
export type Guard<S extends string, C> = (ctx: C, from: S, to: S) => string | undefined;

export interface TransitionTable<S extends string, C> {
  /** For each state, the states a person may move it to. */
  transitions: Readonly<Record<S, readonly S[]>>;
  /** Extra conditions on entering a state (e.g. Shipping needs a settled payment). */
  guards?: Partial<Record<S, Guard<S, C>>>;
}

export type TransitionCheck<S extends string> =
  | { ok: true }
  | { ok: false; reason: string; allowed: S[] };

export function allowedTargets<S extends string, C>(table: TransitionTable<S, C>, from: S, ctx: C): S[] {
  return table.transitions[from].filter((to) => table.guards?.[to]?.(ctx, from, to) === undefined);
}

export function checkTransition<S extends string, C>(table: TransitionTable<S, C>, from: S, to: S, ctx: C): TransitionCheck<S> {
  const allowed = allowedTargets(table, from, ctx);
  if (!table.transitions[from].includes(to)) {
    return { ok: false, reason: `cannot move from ${from} to ${to}`, allowed };
  }
  const refusal = table.guards?.[to]?.(ctx, from, to);
  return refusal === undefined ? { ok: true } : { ok: false, reason: refusal, allowed };
}

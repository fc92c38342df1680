import { AppError } from '../shared/errors.js';
import { STAGES, type Stage } from '../stages/stages.js';
import { type Permission, stageActPermission, stageViewPermission } from './permissions.js';

/*
 * Which orders a caller may see. `orders:view` opens the order pages; each department's `<dept>:view`
 * opens the orders in its stages (the web's navigation shows the same departments, departments.ts).
 * The server enforces it: lists, counts and single orders in other stages are not shown.
 */

export type Holder = { permissions: ReadonlySet<Permission> };

/**
 * The stages whose orders the caller may see, or undefined when it may see every stage. Undefined is the
 * common case (admin, manager, customer service, read-only): such callers get no stage condition at all,
 * so their searches and queue pages keep exactly the plans they had.
 */
export function visibleStages(caller: Holder): readonly Stage[] | undefined {
  const stages = STAGES.filter((stage) => caller.permissions.has(stageViewPermission(stage)));
  return stages.length === STAGES.length ? undefined : stages;
}

/** Refuses (403) when any of `stages` is one whose orders the caller may not see. */
export function assertMayViewStages(caller: Holder, stages: readonly Stage[], field?: string): void {
  const hidden = stages.filter((stage) => !caller.permissions.has(stageViewPermission(stage)));
  if (hidden.length) throw hiddenStagesError(hidden, field);
}

/** For one order (its DTO carries the stage as a string): a caller who may not see its stage may not open it. */
export const assertMayViewStage = (caller: Holder, stage: string): void => assertMayViewStages(caller, [stage as Stage]);

/** The 403 for stages the caller may not see, naming each stage and the permission it needs. */
export function hiddenStagesError(hidden: readonly Stage[], field?: string): AppError {
  const needs = [...new Set(hidden.map((stage) => `"${stageViewPermission(stage)}"`))];
  const permission = needs.length > 1 ? `permissions ${needs.join(', ')}` : `${needs[0]} permission`;
  return new AppError('forbidden', `orders in ${hidden.join(', ')} need the ${permission}`, field ? { field } : {});
}

/**
 * Who may move orders out of a stage (move, reject): a caller who may see its orders and holds its
 * department's `:act`. The one rule behind both the move endpoint's 403 and the order's `allowedMoves`, so
 * the back office never offers a move that answers 403.
 */
export function moveRefusal(caller: Holder, from: Stage): AppError | undefined {
  // As on the order's page: a caller who may not see the order learns nothing more from a move.
  if (!caller.permissions.has(stageViewPermission(from))) return hiddenStagesError([from]);
  const act = stageActPermission(from);
  return caller.permissions.has(act) ? undefined : new AppError('forbidden', `moving orders out of ${from} needs the "${act}" permission`);
}

export const mayMoveOrdersOutOf = (caller: Holder, from: Stage): boolean => moveRefusal(caller, from) === undefined;

/** Refuses (403) a move out of `from` the caller may not make. */
export function assertMayMoveOrdersOutOf(caller: Holder, from: Stage): void {
  const refusal = moveRefusal(caller, from);
  if (refusal) throw refusal;
}

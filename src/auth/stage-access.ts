import { AppError } from '../shared/errors.js';
import { STAGES, type Stage } from '../stages/stages.js';
import { type Permission, stageViewPermission } from './permissions.js';

/*
 * Which orders a caller may see. `orders:view` opens the order pages; each department's `<dept>:view`
 * opens the orders in its stages (the web's navigation shows the same departments, departments.ts).
 * The server enforces it: lists, counts and single orders in other stages are not shown.
 */

type Holder = { permissions: ReadonlySet<Permission> };

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

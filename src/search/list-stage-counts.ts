import type { Executor } from '../db/database.js';
import { countOrdersByStage } from '../orders/orders.repository.js';
import { STAGE_LABELS, STAGES, type Stage } from '../stages/stages.js';
import type { StageCountDto } from './search.schemas.js';

/**
 * Orders per stage for the queue badges, read from the maintained counters (never a COUNT over orders).
 * `visible`: only these stages are listed (a caller's hidden stages are left out, not zeroed, so the web's
 * "View All Orders" total is the sum of what that caller can list); undefined lists all.
 */
export async function listStageCounts(db: Executor, visible: readonly Stage[] = STAGES): Promise<StageCountDto[]> {
  const counts = await countOrdersByStage(db);
  return visible.map((stage) => ({ stage, label: STAGE_LABELS[stage], count: counts.get(stage) ?? 0 }));
}

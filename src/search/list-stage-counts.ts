import type { Executor } from '../db/database.js';
import { countOrdersByStage } from '../orders/orders.repository.js';
import { STAGE_LABELS, STAGES } from '../stages/stages.js';
import type { StageCountDto } from './search.schemas.js';

/** Orders per stage for the queue badges, read from the maintained counters (never a COUNT over orders). */
export async function listStageCounts(db: Executor): Promise<StageCountDto[]> {
  const counts = await countOrdersByStage(db);
  return STAGES.map((stage) => ({ stage, label: STAGE_LABELS[stage], count: counts.get(stage) ?? 0 }));
}

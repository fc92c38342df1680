import type { Trx } from '../db/database.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { AppError } from '../shared/errors.js';
import { checkStageMove } from '../stages/stage-machine.js';
import type { Stage } from '../stages/stages.js';
import { lockOrderForChange } from './order-lock.js';
import { type ExpectedVersion, staleVersion } from '../shared/versioning.js';
import { stageContextOf } from './orders.mapper.js';
import { adjustStageCount, insertOrderHistory, updateOrderRow } from './orders.repository.js';

export interface MoveStageInput {
  orderNumber: string;
  to: Stage;
  reason: string;
  expected?: ExpectedVersion | undefined;
  /** Throws when the actor may not act on orders in `from` (the source department decides). */
  authorize?: (from: Stage) => void;
}

/** Moves an order to another stage if the stage table allows it, with history and event in the same transaction. */
export async function moveOrderStage(trx: Trx, input: MoveStageInput, actor: Actor, now = Date.now()): Promise<void> {
  const row = await lockOrderForChange(trx, input.orderNumber, input.expected);
  const from = row.stage as Stage;
  input.authorize?.(from);
  const check = checkStageMove(from, input.to, stageContextOf(row));
  if (!check.ok) {
    throw new AppError('transition_refused', `${row.order_number}: ${check.reason}`, { field: '/stage', details: { allowed: check.allowed } });
  }
  const holdFrom = input.to === 'hold' ? from : null;
  if (!(await updateOrderRow(trx, row.id, row.version, { stage: input.to, stage_entered_at: now, hold_from_stage: holdFrom, updated_at: now }))) {
    throw staleVersion('order', input.expected ?? { version: row.version, source: 'body' }, row.version + 1);
  }
  await adjustStageCount(trx, from, -1);
  await adjustStageCount(trx, input.to, 1);
  await insertOrderHistory(trx, { orderId: row.id, at: now, actor: actorLabel(actor), kind: 'stage', from, to: input.to, reason: input.reason });
  await enqueueEvent(trx, 'order.stage_changed', { type: 'order', id: row.order_number }, { orderId: row.order_number, from, to: input.to, reason: input.reason }, now);
}

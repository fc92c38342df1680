import { useCallback, useRef, useState } from 'react';
import { api, ApiError, describeError } from '../app/api';
import { STAGE_LABEL, type Stage } from '../app/departments';
import { refreshStageCounts } from '../app/stage-counts';
import { stageLabel } from './labels';
import type { RowStatus } from './OrdersTable';

export interface MoveRun {
  to: Stage;
  total: number;
  done: number;
  moved: string[];
  failed: { orderId: string; message: string }[];
  finished: boolean;
  stopped: boolean;
}

/** randomUUID needs a secure context; a back office reached over plain http on a LAN still gets a key. */
function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** POST one stage move (Reject has its own endpoint); an Idempotency-Key makes a retried request safe. */
export async function moveOrder(orderId: string, to: Stage, reason: string, ifMatch?: string) {
  const headers: Record<string, string> = { 'idempotency-key': idempotencyKey() };
  if (ifMatch) headers['if-match'] = ifMatch;
  const path = `/orders/${encodeURIComponent(orderId)}/${to === 'rejected' ? 'reject' : 'stage'}`;
  return api<unknown>(path, { method: 'POST', headers, body: to === 'rejected' ? { reason } : { stage: to, reason } });
}

/** Stage names as the API writes them (`shipping_department`), in a server message, become their labels. */
const STAGE_NAME = new RegExp(`\\b(${Object.keys(STAGE_LABEL).join('|')})\\b`, 'g');

/**
 * A refusal's message for a line that already names the order: without the order id the server puts
 * first ("OD-1000011: cannot move from hold to hold"), with stage labels instead of API names.
 */
export function refusalText(e: ApiError, orderId: string): string {
  const message = e.message.startsWith(`${orderId}: `) ? e.message.slice(orderId.length + 2) : e.message;
  const same = /^cannot move from (\w+) to \1$/.exec(message);
  if (same) return `Already in ${stageLabel(same[1])}, moved meanwhile`;
  const text = message.replace(STAGE_NAME, (name) => stageLabel(name));
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Why one order of a batch did not move, in words for the line it is shown on (which names the order). */
function moveFailure(e: unknown, orderId: string): string {
  if (e instanceof ApiError) {
    if (e.status === 412 || e.code === 'version_conflict') return 'Changed by someone else meanwhile; reload and retry';
    if (e.problem.field === '/keepPayment') return 'Paid and not refunded: refund it, or reject it keeping the payment, from its page';
    if (e.status === 404) return 'This order no longer exists';
    if (e.status === 409 || e.status === 400) return refusalText(e, orderId);
  }
  return describeError(e);
}

/**
 * Moves orders one at a time (each is its own transaction and history entry on the server), so one
 * refused move — already moved by a colleague, payment not settled — fails alone and the rest proceed.
 */
export function useBulkMove(onFinished: () => void) {
  const [run, setRun] = useState<MoveRun | null>(null);
  const [rowStatus, setRowStatus] = useState<ReadonlyMap<string, RowStatus>>(new Map());
  const stopRequested = useRef(false);

  const start = useCallback(async (orderIds: readonly string[], to: Stage, reason: string) => {
    stopRequested.current = false;
    const state: MoveRun = { to, total: orderIds.length, done: 0, moved: [], failed: [], finished: false, stopped: false };
    setRun({ ...state });
    setRowStatus(new Map(orderIds.map((id) => [id, { state: 'queued' }])));
    const mark = (id: string, status: RowStatus) => setRowStatus((m) => new Map(m).set(id, status));
    for (const id of orderIds) {
      if (stopRequested.current) { state.stopped = true; break; }
      mark(id, { state: 'running' });
      try {
        await moveOrder(id, to, reason);
        state.moved.push(id);
        mark(id, { state: 'moved', message: `Moved to ${stageLabel(to)}` });
      } catch (e) {
        const message = moveFailure(e, id);
        state.failed.push({ orderId: id, message });
        mark(id, { state: 'failed', message });
      }
      state.done++;
      setRun({ ...state });
    }
    // Orders never attempted after a stop lose their "waiting" mark.
    setRowStatus((m) => new Map([...m].filter(([, s]) => s.state !== 'queued')));
    state.finished = true;
    setRun({ ...state });
    void refreshStageCounts();
    onFinished();
  }, [onFinished]);

  const stop = useCallback(() => { stopRequested.current = true; }, []);
  const dismiss = useCallback(() => { setRun(null); setRowStatus(new Map()); }, []);
  return { run, rowStatus, start, stop, dismiss };
}

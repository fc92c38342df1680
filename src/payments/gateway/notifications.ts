import type { FastifyBaseLogger } from 'fastify';
import type { Db, Executor, Trx } from '../../db/database.js';
import { applyGatewayEvent } from './apply-gateway-event.js';
import { transact } from '../../db/transact.js';
import { GATEWAY_EVENT_TYPES, type GatewayEvent, type GatewayEventType } from './gateway.js';
import { verifyNotificationSignature } from './signature.js';
import { containsCardNumber, redactCardNumbers } from '../../shared/card-number.js';

export { GATEWAY_EVENT_TYPES, type GatewayEvent, type GatewayEventType } from './gateway.js';

/**
 * Asynchronous gateway notifications: an e-check cleared or bounced, a chargeback arrived. They come
 * from outside, so a notification is believed only with a valid signature, and since gateways redeliver
 * and reorder, each event id is recorded once and its own `occurredAt` (not arrival) orders events.
 */
export type ParsedNotification = { ok: true; event: GatewayEvent } | { ok: false; reason: string };

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** The sandbox wire format: `{ id, type, transaction, amount, currency, reason?, occurredAt }`. */
export function parseGatewayNotification(body: string): ParsedNotification {
  let raw: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'the notification is not a JSON object' };
    raw = parsed as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'the notification is not valid JSON' };
  }
  if (!isText(raw.id, 200)) return { ok: false, reason: 'id is missing' };
  if (!GATEWAY_EVENT_TYPES.includes(raw.type as GatewayEventType)) return { ok: false, reason: `unknown event type ${String(raw.type)}` };
  if (!isText(raw.transaction, 200)) return { ok: false, reason: 'transaction is missing' };
  if (!Number.isSafeInteger(raw.amount) || (raw.amount as number) < 0) return { ok: false, reason: 'amount must be a non-negative integer of minor units' };
  if (typeof raw.currency !== 'string' || !/^[A-Z]{3}$/.test(raw.currency)) return { ok: false, reason: 'currency must be an ISO 4217 code' };
  if (raw.reason !== undefined && !isText(raw.reason, 500)) return { ok: false, reason: 'reason must be text' };
  const occurredAt = typeof raw.occurredAt === 'string' ? Date.parse(raw.occurredAt) : Number.NaN;
  if (!Number.isFinite(occurredAt)) return { ok: false, reason: 'occurredAt must be an ISO 8601 instant' };
  return {
    ok: true,
    event: {
      eventId: raw.id, type: raw.type as GatewayEventType, reference: raw.transaction, amount: raw.amount as number, currency: raw.currency,
      ...(raw.reason !== undefined ? { reason: raw.reason as string } : {}), occurredAt,
    },
  };
}

/** Stores the event unless its id is known already; true when it was new. Safe under concurrent deliveries. */
export async function recordGatewayEvent(
  trx: Executor,
  event: GatewayEvent,
  opts: { gateway: string; payload: string; receivedAt?: number },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('gateway_events')
    .values({
      gateway: opts.gateway, event_id: event.eventId, type: event.type, reference: event.reference, amount: event.amount, currency: event.currency,
      reason: event.reason ?? null, occurred_at: event.occurredAt, received_at: opts.receivedAt ?? Date.now(), status: 'received', payload_json: opts.payload,
    })
    .onConflict((oc) => oc.columns(['gateway', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Applies a new event to its order and records how that went on the event row. */
export async function onGatewayEvent(trx: Trx, gateway: string, event: GatewayEvent, log: FastifyBaseLogger, now = Date.now()): Promise<void> {
  const result = await applyAndRecord(trx, gateway, event, now);
  const line = { gateway, eventId: event.eventId, type: event.type, reference: event.reference, reason: result.reason };
  if (result.status === 'applied') log.info(line, 'gateway event applied');
  else log.warn(line, result.status === 'refused' ? 'gateway event refused' : 'gateway event ignored');
}

/**
 * Applies again, in the order they happened, the events of one transaction that were ignored because no
 * payment of ours had its reference yet: a notification can arrive before a person records, by hand, the
 * reference of a charge whose answer was lost (resolve-by-hand.ts). Returns how many now applied.
 */
export async function reapplyIgnoredEvents(trx: Trx, gateway: string, reference: string, now: number): Promise<number> {
  const rows = await trx.selectFrom('gateway_events').selectAll()
    .where('gateway', '=', gateway).where('reference', '=', reference).where('status', '=', 'ignored').orderBy('occurred_at').execute();
  let applied = 0;
  for (const row of rows) {
    const event: GatewayEvent = {
      eventId: row.event_id, type: row.type as GatewayEventType, reference: row.reference, amount: Number(row.amount), currency: row.currency,
      ...(row.reason !== null ? { reason: row.reason } : {}), occurredAt: Number(row.occurred_at),
    };
    if ((await applyAndRecord(trx, gateway, event, now, ' (applied once the reference was recorded)')).status === 'applied') applied++;
  }
  return applied;
}

/** Applies one event and records on its row what that did (`note` is added to an applied event's outcome). */
async function applyAndRecord(trx: Trx, gateway: string, event: GatewayEvent, now: number, note = '') {
  const result = await applyGatewayEvent(trx, gateway, event, now);
  await trx.updateTable('gateway_events').set({ status: result.status, outcome: result.status === 'applied' ? `${result.reason}${note}` : result.reason })
    .where('gateway', '=', gateway).where('event_id', '=', event.eventId).execute();
  return result;
}

export type NotificationResult =
  | { status: 'accepted'; event: GatewayEvent }
  | { status: 'duplicate'; event: GatewayEvent }
  | { status: 'bad_signature'; reason: string }
  | { status: 'invalid'; reason: string };

/** Verify, parse, deduplicate and record one delivered notification. */
export async function receiveGatewayNotification(
  db: Db,
  input: { gateway: string; secret: string; signature: string | undefined; body: string; log: FastifyBaseLogger; nowMs?: number },
): Promise<NotificationResult> {
  const check = verifyNotificationSignature(input.signature, input.body, input.secret, input.nowMs !== undefined ? { nowMs: input.nowMs } : {});
  if (!check.ok) return { status: 'bad_signature', reason: check.reason };
  // Verified on the text as signed; stored and applied with any card number in it masked (a chargeback's
  // reason quoting the card), so none reaches the database, the history or a log line.
  const body = containsCardNumber(input.body) ? redactCardNumbers(input.body) : input.body;
  const parsed = parseGatewayNotification(body);
  if (!parsed.ok) return { status: 'invalid', reason: parsed.reason };
  const { event } = parsed;
  return transact(db, async (trx) => {
    const isNew = await recordGatewayEvent(trx, event, { gateway: input.gateway, payload: body });
    if (!isNew) {
      input.log.info({ gateway: input.gateway, eventId: event.eventId }, 'duplicate gateway event ignored');
      return { status: 'duplicate', event };
    }
    await onGatewayEvent(trx, input.gateway, event, input.log);
    return { status: 'accepted', event };
  });
}

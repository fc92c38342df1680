import { Type, type Static } from 'typebox';
import { MAX_SCHEDULE_DAY } from './ar-schedule.js';

export const RetryBody = Type.Object({
  cardToken: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A card newly stored in the vault (POST /vault/cards); it becomes the order\'s card' })),
}, { additionalProperties: false });

export const RetryResultOut = Type.Object({
  orderId: Type.String(),
  result: Type.Enum(['approved', 'declined', 'pending', 'unknown', 'refused'], {
    description: 'approved / declined by the gateway; pending or unknown: the answer comes later; refused: not attempted (see code and message)',
  }),
  code: Type.Optional(Type.String({ description: 'Decline code, or the error code of a refusal' })),
  message: Type.Optional(Type.String()),
  stage: Type.Optional(Type.String()),
  paymentStatus: Type.Optional(Type.String()),
});

export const RetrySelectionBody = Type.Object({
  orderIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 500 }),
}, { additionalProperties: false });

export const RetrySelectionOut = Type.Object({
  results: Type.Array(RetryResultOut),
  counts: Type.Record(Type.String(), Type.Integer()),
});

export const MarkPaidBody = Type.Object({
  reference: Type.String({ minLength: 1, maxLength: 200, description: 'Check number, wire reference, PO number…' }),
  amount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1e13, description: 'Minor units; defaults to the amount due' })),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
}, { additionalProperties: false });

const ScheduleDay = Type.Object({
  day: Type.Integer({ minimum: 1, maximum: MAX_SCHEDULE_DAY, description: 'Whole days (24 h) since the order entered Accounts Receivable' }),
  action: Type.Union([Type.Literal('charge'), Type.Literal('reject')]),
  couponAmount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1e13, description: 'Minor units of couponCurrency off the amount due' })),
  couponCurrency: Type.Optional(Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217, required with couponAmount; orders in other currencies are charged in full that day' })),
  couponPercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 99, description: 'Percent off the amount due (a 100% coupon is a write-off: reject instead)' })),
}, { additionalProperties: false });

export const ArScheduleBody = Type.Object({
  enabled: Type.Boolean(),
  days: Type.Array(ScheduleDay, { maxItems: MAX_SCHEDULE_DAY }),
  rejectAtEnd: Type.Boolean({ description: 'Reject the day after the last scheduled day if still unpaid' }),
  version: Type.Integer({ minimum: 0, description: 'The version you read' }),
}, { additionalProperties: false });
export type ArScheduleInput = Static<typeof ArScheduleBody>;

export const ArScheduleOut = Type.Object({
  enabled: Type.Boolean(),
  days: Type.Array(ScheduleDay),
  rejectAtEnd: Type.Boolean(),
  version: Type.Integer(),
});

export const ArStatsQuery = Type.Object({
  days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }),
}, { additionalProperties: false });

export const ArStatsOut = Type.Object({
  days: Type.Array(Type.Object({
    day: Type.String({ format: 'date' }),
    attempted: Type.Integer({ description: 'A/R retries (manual and scheduled) attempted that day' }),
    approved: Type.Integer({ description: 'Of those, approved' }),
    recovered: Type.Array(Type.Object({ currency: Type.String(), amount: Type.Integer() }), {
      description: 'Money collected that day per currency for orders in Accounts Receivable: retries, payment-request links and mark paid, each payment once',
    }),
    rejectedBySchedule: Type.Integer(),
  })),
});

import { Type, type Static } from 'typebox';
import { IsoInstant } from '../shared/schemas.js';

export const DayFiguresOut = Type.Object({
  day: Type.String({ format: 'date', description: 'UTC calendar day, YYYY-MM-DD' }),
  currency: Type.String({ description: 'ISO 4217; one entry per currency that had orders that day' }),
  orders: Type.Integer({ minimum: 0, description: 'Orders placed that day (test orders excluded)' }),
  revenue: Type.Integer({ description: 'Sum of those orders\' totals, in the currency\'s minor units' }),
});

export const OldestOrderOut = Type.Object({
  orderId: Type.String(),
  customerName: Type.String(),
  enteredAt: IsoInstant,
  total: Type.Integer(),
  currency: Type.String(),
}, { description: 'The order that has waited longest in the stage' });

export const StageSummaryOut = Type.Object({
  stage: Type.String(),
  label: Type.String(),
  count: Type.Integer({ minimum: 0 }),
  oldest: Type.Union([OldestOrderOut, Type.Null()]),
});

export const DashboardOut = Type.Object({
  days: Type.Array(DayFiguresOut, {
    description: 'The last 30 UTC days including today, oldest first, then by currency. Days without orders are left out.',
  }),
  stages: Type.Array(StageSummaryOut, { description: 'All ten stages, in life-cycle order' }),
  generatedAt: IsoInstant,
});
export type DashboardDto = Static<typeof DashboardOut>;
export type DayFiguresDto = Static<typeof DayFiguresOut>;
export type StageSummaryDto = Static<typeof StageSummaryOut>;

/** The dashboard takes no parameters: one sent anyway (a filter it does not have) is refused by name, not ignored. */
export const DashboardQuery = Type.Object({}, { additionalProperties: false });

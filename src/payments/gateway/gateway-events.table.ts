import type { Selectable } from 'kysely';

/** One verified gateway notification; (gateway, event_id) is unique, so a redelivery inserts nothing. */
export interface GatewayEventsTable {
  gateway: string;
  event_id: string;
  type: string;
  reference: string;
  amount: number;
  currency: string;
  reason: string | null;
  occurred_at: number;
  received_at: number;
  /** received → applied | ignored | refused (one that contradicts its charge; applying events to orders is the payment step's job). */
  status: string;
  /** What applying it did, or why it was ignored or refused; null until applied. */
  outcome: string | null;
  payload_json: string;
}

export type GatewayEventRow = Selectable<GatewayEventsTable>;

/** The Fraud Review department's actions and the fraud rule settings (see /api/v1/openapi.json, tags Fraud). */
import { api } from '../app/api';
import type { Order } from '../orders/types';

export type FraudAction = 'approve' | 'reject' | 'block';

export interface BlockAdded { kind: string; value: string; label?: string }

const review = (orderId: string, action: FraudAction) => `/orders/${encodeURIComponent(orderId)}/fraud-review/${action}`;

export const approveOrder = (orderId: string, reason: string) => api<Order>(review(orderId, 'approve'), { method: 'POST', body: { reason } });
export interface RejectOutcome {
  order: Order;
  blocked: BlockAdded[];
  refund: { status: 'not_needed' | 'refunded' | 'pending' | 'failed'; message: string | null };
}
export const rejectOrder = (orderId: string, reason: string, block: boolean) =>
  api<RejectOutcome>(review(orderId, 'reject'), { method: 'POST', body: { reason, ...(block ? { block: true } : {}) } });
export const blockCustomer = (orderId: string, reason: string) =>
  api<{ added: BlockAdded[] }>(review(orderId, 'block'), { method: 'POST', body: { reason } });

export interface RuleSetting { enabled: boolean; weight: number }
export interface VelocityLimit { maxOrders: number; windowMinutes: number }

export interface FraudSettings {
  threshold: number;
  rules: Record<string, RuleSetting>;
  totalOverAverage: { multiplier: number; minOrders: number };
  highRiskCountries: string[];
  freeEmailDomains: string[];
  velocity: { ip: VelocityLimit; email: VelocityLimit; card: VelocityLimit };
  exemptions: { trustedEmails: string[]; exemptIps: string[] };
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface Block {
  id: number; kind: string; value: string;
  /** A card's "Visa ····4242, exp 12/31" (brand, last four, expiry); null otherwise and for older entries. */
  label: string | null;
  reason: string; createdAt: string; createdBy: string;
}

export interface Assessment {
  score: number;
  threshold: number;
  hold: boolean;
  exemptBy: string | null;
  contributions: { rule: string; points: number; detail: string }[];
}

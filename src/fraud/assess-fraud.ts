import type { Executor } from '../db/database.js';
import { trailingAverageOrderTotal } from './average-order-total.js';
import { type BlockKey, findBlockedIpRange, findBlocksAndVelocity, insertFraudSignals, type VelocityProbe } from './fraud.repository.js';
import {
  blockCandidates, blockKey, EXEMPT_RULE, exemptionContribution, exemptionOf, type FraudContribution, type FraudFacts, type NormalizedFacts, normalizeFacts, scoreRules,
} from './fraud-rules.js';
import type { CompiledFraudSettings } from './fraud-settings.js';
import type { AddressLike } from './fraud-values.js';
import { assessGatewayChecks, type GatewayChecks } from './gateway-checks.js';
import { loadCompiledFraudSettings } from './load-fraud-settings.js';

// The whole contract for order creation and review is importable from this one file.
export type { FraudContribution, FraudFacts } from './fraud-rules.js';
export type { AddressLike } from './fraud-values.js';
export { assessGatewayChecks, type GatewayChecks, scoreGatewayChecks } from './gateway-checks.js';
export { blockOrderCustomer } from './block-order-customer.js';
export { loadCompiledFraudSettings } from './load-fraud-settings.js';

export interface FraudAssessment {
  score: number;
  threshold: number;
  /** score ≥ threshold: the order goes to Fraud Review before any money is taken. */
  hold: boolean;
  /** Why no rule ran ('trusted_customer', 'exempt_ip'), or null. */
  exemptBy: string | null;
  /** The rules that fired; of an exempt order, only its 0-point `exempt` entry (exemptionContribution), stored with the order. */
  contributions: FraudContribution[];
}

/**
 * Scores an order before it is charged: exemptions first, then every enabled rule. Reads the settings
 * (cached), one look-up of the block lists, one capped range count per velocity window and the cached
 * trailing average; writes nothing (recordFraudSignals does, once the order is placed). `db` may be the
 * order's transaction.
 */
export async function assessFraud(db: Executor, facts: FraudFacts, now = Date.now()): Promise<FraudAssessment> {
  return assessFraudUnder(db, await loadCompiledFraudSettings(db), facts, now);
}

/**
 * assessFraud under settings already loaded. Sends its one look-up before its first `await`, so order
 * creation can send it together with the order's other first statements (db/statement-batch.ts).
 */
export async function assessFraudUnder(db: Executor, settings: CompiledFraudSettings, facts: FraudFacts, now = Date.now()): Promise<FraudAssessment> {
  return (await lookUpFraud(db, settings, facts, now))(facts.total);
}

/**
 * The database half of an assessment: everything the rules read, for an order whose total is not known
 * yet (order creation looks the order up while its items are still being priced, in the same round trip).
 * Resolves to the scoring of that order for its total. Sends its look-up before its first `await`.
 */
export async function lookUpFraud(
  db: Executor, settings: CompiledFraudSettings, facts: Omit<FraudFacts, 'total'>, now = Date.now(),
): Promise<(total: number) => FraudAssessment> {
  const f = normalizeFacts({ ...facts, total: 0 });
  const exemptBy = exemptionOf(settings, f);
  if (exemptBy) {
    const trace = [exemptionContribution(settings, f, exemptBy)];
    return () => summarize(settings.settings.threshold, trace, exemptBy);
  }
  const [found, average, ipRange] = await Promise.all([
    findBlocksAndVelocity(db, blockKeysToCheck(settings, f), velocityProbes(settings, f, now), now),
    settings.settings.rules.total_over_average.enabled ? trailingAverageOrderTotal(db, f.currency) : null,
    f.ip && settings.settings.rules.blocked_ip.enabled ? findBlockedIpRange(db, f.ip) : null,
  ]);
  const blocked = new Set(found.blocked.map((k) => blockKey(k.kind, k.value)));
  return (total) => summarize(settings.settings.threshold, scoreRules(settings, { ...f, total }, { blocked, velocity: found.velocity, average, ipRange }));
}

/** The assessment of these contributions under `threshold`; an exempt one keeps only its `exempt` trace. */
export function summarize(threshold: number, contributions: FraudContribution[], exemptBy: string | null = null): FraudAssessment {
  if (exemptBy) return { score: 0, threshold, hold: false, exemptBy, contributions: contributions.filter((c) => c.rule === EXEMPT_RULE) };
  const score = contributions.reduce((sum, c) => sum + c.points, 0);
  return { score, threshold, hold: score >= threshold, exemptBy: null, contributions };
}

/**
 * Adds the gateway's AVS/CVV contributions (assessGatewayChecks) to an earlier assessment, after the
 * authorization. An exempt order stays exempt.
 */
export function withGatewayChecks(assessment: FraudAssessment, extra: FraudContribution[]): FraudAssessment {
  return summarize(assessment.threshold, [...assessment.contributions, ...extra], assessment.exemptBy);
}

/** The order as stored, as far as a later rescoring needs it. */
export interface StoredFraudVerdict {
  /** The contributions stored with the order; null when it was never scored (a quote). */
  reasonsJson: string | null;
  email: string;
  ip: string | null;
  billing: AddressLike;
  shipping: AddressLike;
  currency: string;
}

const GATEWAY_CHECK_RULES: ReadonlySet<string> = new Set(['avs_mismatch', 'cvv_mismatch']);

/**
 * The order's stored assessment with the AVS/CVV answers of an approved charge in it, whether or not
 * they reach the threshold: the stored reasons list every rule's part. Earlier AVS/CVV parts give way to
 * the new answers (they are about the card charged now), so recording a charge twice adds nothing twice.
 * Undefined when nothing would change, the order was never scored, or it is exempt (exempt stays exempt).
 * Deciding a hold is the caller's: a person may already have approved the order.
 */
export async function rescoreWithGatewayChecks(db: Executor, order: StoredFraudVerdict, checks: GatewayChecks): Promise<FraudAssessment | undefined> {
  if (order.reasonsJson === null) return undefined;
  const stored = JSON.parse(order.reasonsJson) as FraudContribution[];
  const kept = stored.filter((c) => !GATEWAY_CHECK_RULES.has(c.rule));
  const settings = await loadCompiledFraudSettings(db);
  const extra = assessGatewayChecks(settings.settings, checks);
  const same = (a: FraudContribution, b: FraudContribution | undefined) => !!b && a.rule === b.rule && a.points === b.points && a.detail === b.detail;
  const next = [...kept, ...extra];
  if (next.length === stored.length && next.every((c, i) => same(c, stored[i]))) return undefined;
  if (exemptionOf(settings, normalizeFacts({ ...order, total: 0, cardFingerprint: null }))) return undefined;
  return summarize(settings.settings.threshold, next);
}

/**
 * Writes the velocity signals of a placed order (its IP, email and card, as the rules compare them), in
 * the order's transaction. Exempt orders are recorded too: an office IP's orders still count for the
 * email and card of each. Recording an order twice changes nothing.
 */
export async function recordFraudSignals(
  trx: Executor, orderId: number, facts: FraudFacts, now = Date.now(), only?: readonly ('email' | 'ip' | 'card')[],
): Promise<void> {
  const f = normalizeFacts(facts);
  const rows = [{ kind: 'email', value: f.email, at: now, order_id: orderId }];
  if (f.ip) rows.push({ kind: 'ip', value: f.ip, at: now, order_id: orderId });
  if (f.card) rows.push({ kind: 'card', value: f.card, at: now, order_id: orderId });
  // `only`: a new card on an existing order is one more use of that card, not one more order from its email or IP.
  await insertFraudSignals(trx, only ? rows.filter((r) => only.includes(r.kind as 'email')) : rows);
}

/** The order's values whose block rule is enabled. */
function blockKeysToCheck(c: CompiledFraudSettings, f: NormalizedFacts): BlockKey[] {
  const r = c.settings.rules;
  const enabled = { ip: r.blocked_ip.enabled, email: r.blocked_email.enabled, card: r.blocked_card.enabled, address: r.blocked_address.enabled };
  return blockCandidates(f).filter((k) => enabled[k.kind as keyof typeof enabled]);
}

/** One capped count per enabled velocity rule whose value the order has. */
function velocityProbes(c: CompiledFraudSettings, f: NormalizedFacts, now: number): VelocityProbe[] {
  const probes: VelocityProbe[] = [];
  for (const [kind, value] of [['ip', f.ip], ['email', f.email], ['card', f.card]] as const) {
    const limit = c.settings.velocity[kind];
    if (value && c.settings.rules[`velocity_${kind}`].enabled) {
      probes.push({ kind, value, from: now - limit.windowMinutes * 60_000, cap: limit.maxOrders });
    }
  }
  return probes;
}

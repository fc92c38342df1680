import { formatMoney } from '../shared/money.js';
import type { AverageOrderTotal } from './average-order-total.js';
import type { CompiledFraudSettings, FraudRule } from './fraud-settings.js';
import { type AddressLike, addressKey, emailDomain, ipMatcher, normalizeEmail, normalizeIp } from './fraud-values.js';

/** What the rules know about an order before it is charged. */
export interface FraudFacts {
  currency: string;
  /** Order total in minor units. */
  total: number;
  email: string;
  ip: string | null;
  billing: AddressLike;
  shipping: AddressLike;
  /** The vault's HMAC fingerprint of the card, opaque here. */
  cardFingerprint: string | null;
}

/** One rule that fired: its name, the points it added and why, in words a reviewer reads. */
export interface FraudContribution {
  rule: string;
  points: number;
  detail: string;
}

/** The facts as the rules and the tables compare them. */
export interface NormalizedFacts {
  currency: string;
  total: number;
  email: string;
  emailDomain: string;
  ip: string | null;
  card: string | null;
  billingCountry: string;
  shippingCountry: string;
  billingKey: string;
  shippingKey: string;
}

export function normalizeFacts(facts: FraudFacts): NormalizedFacts {
  const email = normalizeEmail(facts.email);
  const card = facts.cardFingerprint?.trim() || null;
  return {
    currency: facts.currency, total: facts.total, email, emailDomain: emailDomain(email),
    // Text that is not an address (a proxy's "unknown") counts as no address rather than as a shared one.
    ip: facts.ip ? normalizeIp(facts.ip) : null,
    card, billingCountry: facts.billing.country.toUpperCase(), shippingCountry: facts.shipping.country.toUpperCase(),
    billingKey: addressKey(facts.billing), shippingKey: addressKey(facts.shipping),
  };
}

/** Checked before any rule: why the order is exempt, or null. */
export function exemptionOf(c: CompiledFraudSettings, f: NormalizedFacts): string | null {
  if (c.trustedEmails.has(f.email) || c.trustedEmails.has(`@${f.emailDomain}`)) return 'trusted_customer';
  if (f.ip && c.isExemptIp(f.ip)) return 'exempt_ip';
  return null;
}

/** The rule name of the stored trace of an exemption (0 points): the order's reasons say why no rule ran. */
export const EXEMPT_RULE = 'exempt';

/**
 * The trace an exempt order keeps with its reasons: which exemption let it through. Nothing was looked
 * up for it (no rule ran), so it cannot say which block lists the order is on; it says they were not checked.
 */
export function exemptionContribution(c: CompiledFraudSettings, f: NormalizedFacts, exemptBy: string): FraudContribution {
  const unchecked = 'no rule ran, block lists not checked';
  if (exemptBy === 'trusted_customer') {
    const why = c.trustedEmails.has(f.email) ? `trusted customer: ${f.email}` : `trusted customer: ${f.email} (all of @${f.emailDomain} is trusted)`;
    return { rule: EXEMPT_RULE, points: 0, detail: `${why}; ${unchecked}` };
  }
  const ip = f.ip ?? '';
  const range = c.settings.exemptions.exemptIps.find((entry) => entry.includes('/') && ipMatcher([entry])(ip));
  return { rule: EXEMPT_RULE, points: 0, detail: `exempt IP: ${ip}${range ? ` (in ${range})` : ''}; ${unchecked}` };
}

/** What the database said about the order, gathered by assessFraud before scoring. */
export interface FraudLookups {
  /** `${kind}:${value}` of every value of the order found on a block list. */
  blocked: ReadonlySet<string>;
  /** Earlier orders within each velocity window, by kind, counted up to the limit. */
  velocity: ReadonlyMap<string, number>;
  average: AverageOrderTotal | null;
  /** The blocked IP range the order's address falls in, if any. */
  ipRange?: string | null;
}

export const blockKey = (kind: string, value: string) => `${kind}:${value}`;

/** The scored rules, pure: every enabled rule that fires adds its weight with a reason. */
export function scoreRules(c: CompiledFraudSettings, f: NormalizedFacts, lookups: FraudLookups): FraudContribution[] {
  const s = c.settings;
  const out: FraudContribution[] = [];
  const fire = (rule: FraudRule, detail: string) => {
    if (s.rules[rule].enabled) out.push({ rule, points: s.rules[rule].weight, detail });
  };

  const avg = lookups.average;
  const { multiplier, minOrders } = s.totalOverAverage;
  if (avg && avg.orders >= minOrders && f.total > multiplier * avg.average) {
    fire('total_over_average', `total ${formatMoney(f.total, f.currency)} is ${(f.total / avg.average).toFixed(1)}× the average order of `
      + `${formatMoney(Math.round(avg.average), f.currency)} (limit ${multiplier}×)`);
  }
  if (f.billingCountry !== f.shippingCountry) fire('country_mismatch', `billing country ${f.billingCountry}, shipping country ${f.shippingCountry}`);
  const risky = [...new Set([f.billingCountry, f.shippingCountry])].filter((country) => c.highRiskCountries.has(country));
  if (risky.length) fire('high_risk_country', `high-risk ${risky.length > 1 ? 'countries' : 'country'} ${risky.join(', ')}`);
  if (c.freeEmailDomains.has(f.emailDomain)) fire('free_email_domain', `free or disposable email domain ${f.emailDomain}`);

  const velocity = (rule: FraudRule, kind: 'ip' | 'email' | 'card', label: string) => {
    const count = lookups.velocity.get(kind) ?? 0;
    const limit = s.velocity[kind];
    if (count >= limit.maxOrders) {
      fire(rule, `${label}: at least ${count + 1} orders within ${limit.windowMinutes} minutes, this one included (limit ${limit.maxOrders})`);
    }
  };
  if (f.ip) velocity('velocity_ip', 'ip', `IP ${f.ip}`);
  velocity('velocity_email', 'email', `email ${f.email}`);
  if (f.card) velocity('velocity_card', 'card', 'card');

  const blocked = (kind: string, value: string | null) => value !== null && lookups.blocked.has(blockKey(kind, value));
  if (blocked('ip', f.ip)) fire('blocked_ip', `IP ${f.ip} is on the block list`);
  else if (lookups.ipRange) fire('blocked_ip', `IP ${f.ip} is in the blocked range ${lookups.ipRange}`);
  if (blocked('email', f.email)) fire('blocked_email', `email ${f.email} is on the block list`);
  else if (blocked('email', `@${f.emailDomain}`)) fire('blocked_email', `email domain ${f.emailDomain} is on the block list`);
  if (blocked('card', f.card)) fire('blocked_card', 'card is on the block list');
  const addresses = [['billing', f.billingKey], ['shipping', f.shippingKey]].filter(([, key]) => blocked('address', key!)).map(([which]) => which);
  if (addresses.length) fire('blocked_address', `${addresses.join(' and ')} address on the block list`);
  return out;
}

/** The block-list entries that could match the order, for one look-up. */
export function blockCandidates(f: NormalizedFacts): { kind: string; value: string }[] {
  const out = [{ kind: 'email', value: f.email }, { kind: 'email', value: `@${f.emailDomain}` }, { kind: 'address', value: f.billingKey }];
  if (f.shippingKey !== f.billingKey) out.push({ kind: 'address', value: f.shippingKey });
  if (f.ip) out.push({ kind: 'ip', value: f.ip });
  if (f.card) out.push({ kind: 'card', value: f.card });
  return out;
}

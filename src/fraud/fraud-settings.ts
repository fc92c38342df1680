import { invalid } from '../shared/errors.js';
import { isCountry } from '../shared/countries.js';
import { DEFAULT_FREE_EMAIL_DOMAINS } from './free-email-domains.js';
import { EMAIL_OR_DOMAIN, ipMatcher, normalizeEmail, normalizeIpRange } from './fraud-values.js';

/** Every scored rule, in the order the settings page lists them. */
export const FRAUD_RULES = [
  'total_over_average', 'country_mismatch', 'high_risk_country', 'free_email_domain',
  'velocity_ip', 'velocity_email', 'velocity_card',
  'blocked_ip', 'blocked_email', 'blocked_card', 'blocked_address',
  'avs_mismatch', 'cvv_mismatch',
] as const;
export type FraudRule = (typeof FRAUD_RULES)[number];

export interface RuleSetting {
  enabled: boolean;
  /** Points the rule adds when it fires, 0–100. */
  weight: number;
}

export interface VelocityLimit {
  /** The most orders allowed within the window, the one being placed included. */
  maxOrders: number;
  windowMinutes: number;
}

export interface FraudSettings {
  /** An order scoring this many points or more is held for Fraud Review. */
  threshold: number;
  rules: Record<FraudRule, RuleSetting>;
  /** total_over_average fires above multiplier × the trailing average order total of the currency. */
  totalOverAverage: { multiplier: number; minOrders: number };
  highRiskCountries: string[];
  freeEmailDomains: string[];
  velocity: { ip: VelocityLimit; email: VelocityLimit; card: VelocityLimit };
  /** Checked before any rule: a match scores 0 and is never held. */
  exemptions: { trustedEmails: string[]; exemptIps: string[] };
}

const rule = (weight: number): RuleSetting => ({ enabled: true, weight });

/*
 * Defaults: any block-list hit alone reaches the threshold; two or three softer signals together do;
 * a free email alone never does. High-risk countries default to the FATF "call for action" list, the
 * one list of the kind with an official basis; merchants add their own.
 */
export const DEFAULT_FRAUD_SETTINGS: FraudSettings = {
  threshold: 50,
  rules: {
    total_over_average: rule(25), country_mismatch: rule(15), high_risk_country: rule(30), free_email_domain: rule(5),
    velocity_ip: rule(30), velocity_email: rule(30), velocity_card: rule(40),
    blocked_ip: rule(60), blocked_email: rule(60), blocked_card: rule(100), blocked_address: rule(60),
    avs_mismatch: rule(20), cvv_mismatch: rule(30),
  },
  totalOverAverage: { multiplier: 5, minOrders: 20 },
  highRiskCountries: ['IR', 'KP', 'MM'],
  freeEmailDomains: [...DEFAULT_FREE_EMAIL_DOMAINS],
  velocity: {
    ip: { maxOrders: 5, windowMinutes: 60 },
    email: { maxOrders: 3, windowMinutes: 60 },
    card: { maxOrders: 3, windowMinutes: 1440 },
  },
  exemptions: { trustedEmails: [], exemptIps: [] },
};

/**
 * Stored settings over the defaults, so a rule or parameter added in a later release has a value on a
 * database whose row predates it.
 */
export function withDefaults(stored: Partial<FraudSettings>): FraudSettings {
  const d = DEFAULT_FRAUD_SETTINGS;
  const rules = { ...d.rules };
  for (const name of FRAUD_RULES) if (stored.rules?.[name]) rules[name] = { ...d.rules[name], ...stored.rules[name] };
  return {
    threshold: stored.threshold ?? d.threshold,
    rules,
    totalOverAverage: { ...d.totalOverAverage, ...stored.totalOverAverage },
    highRiskCountries: stored.highRiskCountries ?? d.highRiskCountries,
    freeEmailDomains: stored.freeEmailDomains ?? d.freeEmailDomains,
    velocity: {
      ip: { ...d.velocity.ip, ...stored.velocity?.ip },
      email: { ...d.velocity.email, ...stored.velocity?.email },
      card: { ...d.velocity.card, ...stored.velocity?.card },
    },
    exemptions: { ...d.exemptions, ...stored.exemptions },
  };
}

const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

function integer(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

/** Normalises each entry, refuses a bad one by its index, and drops duplicates (sorted, for stable diffs). */
function list(values: string[], field: string, normalize: (v: string) => string | null, what: string): string[] {
  const out = new Set<string>();
  values.forEach((raw, i) => {
    const value = normalize(raw);
    if (value === null) throw invalid(`${field}/${i}`, `"${raw}" is not ${what}`);
    out.add(value);
  });
  return [...out].sort();
}

/**
 * Checks what the schema cannot (real country codes, parsable IPs and ranges) and normalises the lists.
 * The HTTP schema already enforces the shape; this runs for any caller, so a script cannot store
 * settings the rules would misread.
 */
export function normalizeFraudSettings(input: FraudSettings): FraudSettings {
  const rules = {} as Record<FraudRule, RuleSetting>;
  for (const name of FRAUD_RULES) {
    const r = input.rules[name];
    if (!r) throw invalid(`/rules/${name}`, 'is required');
    rules[name] = { enabled: r.enabled === true, weight: integer(r.weight, 0, 100, `/rules/${name}/weight`) };
  }
  const velocity = (kind: 'ip' | 'email' | 'card'): VelocityLimit => ({
    maxOrders: integer(input.velocity[kind].maxOrders, 1, 1000, `/velocity/${kind}/maxOrders`),
    windowMinutes: integer(input.velocity[kind].windowMinutes, 1, 43_200, `/velocity/${kind}/windowMinutes`),
  });
  const multiplier = input.totalOverAverage.multiplier;
  if (!(multiplier >= 1 && multiplier <= 100)) throw invalid('/totalOverAverage/multiplier', 'must be from 1 to 100');
  return {
    threshold: integer(input.threshold, 1, 10_000, '/threshold'),
    rules,
    totalOverAverage: { multiplier, minOrders: integer(input.totalOverAverage.minOrders, 1, 100_000, '/totalOverAverage/minOrders') },
    highRiskCountries: list(input.highRiskCountries, '/highRiskCountries', (v) => {
      const code = v.trim().toUpperCase();
      return isCountry(code) ? code : null;
    }, 'an ISO 3166-1 alpha-2 country code'),
    freeEmailDomains: list(input.freeEmailDomains, '/freeEmailDomains', (v) => {
      const domain = v.trim().toLowerCase().replace(/^@/, '');
      return DOMAIN.test(domain) ? domain : null;
    }, 'a domain name such as "mailinator.com"'),
    velocity: { ip: velocity('ip'), email: velocity('email'), card: velocity('card') },
    exemptions: {
      trustedEmails: list(input.exemptions.trustedEmails, '/exemptions/trustedEmails', (v) => {
        const email = normalizeEmail(v);
        return EMAIL_OR_DOMAIN.test(email) ? email : null;
      }, 'an email address or "@domain"'),
      exemptIps: list(input.exemptions.exemptIps, '/exemptions/exemptIps', normalizeIpRange, 'an IP address or CIDR range'),
    },
  };
}

/** Settings with their lists made into sets and matchers once, not once per order. */
export interface CompiledFraudSettings {
  settings: FraudSettings;
  highRiskCountries: ReadonlySet<string>;
  freeEmailDomains: ReadonlySet<string>;
  trustedEmails: ReadonlySet<string>;
  isExemptIp: (ip: string) => boolean;
}

export function compileFraudSettings(settings: FraudSettings): CompiledFraudSettings {
  return {
    settings,
    highRiskCountries: new Set(settings.highRiskCountries),
    freeEmailDomains: new Set(settings.freeEmailDomains),
    trustedEmails: new Set(settings.exemptions.trustedEmails),
    isExemptIp: ipMatcher(settings.exemptions.exemptIps),
  };
}

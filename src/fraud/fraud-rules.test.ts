import { describe, expect, it } from 'vitest';
import { summarize, withGatewayChecks } from './assess-fraud.js';
import { blockKey, exemptionContribution, exemptionOf, type FraudFacts, type FraudLookups, normalizeFacts, scoreRules } from './fraud-rules.js';
import { compileFraudSettings, DEFAULT_FRAUD_SETTINGS, FRAUD_RULES, type FraudSettings, normalizeFraudSettings, withDefaults } from './fraud-settings.js';
import { assessGatewayChecks } from './gateway-checks.js';

const home = { line1: '1 Market Street', postalCode: '94105', country: 'US' };
const facts = (overrides: Partial<FraudFacts> = {}): FraudFacts => ({
  currency: 'USD', total: 5_000, email: 'ann@shop-customer.example', ip: '203.0.113.10',
  billing: home, shipping: home, cardFingerprint: 'fp_card_one', ...overrides,
});
const none: FraudLookups = { blocked: new Set(), velocity: new Map(), average: { average: 5_000, orders: 500 } };
const settings = (patch: Partial<FraudSettings> = {}) => compileFraudSettings({ ...DEFAULT_FRAUD_SETTINGS, ...patch });
const rulesOf = (f: FraudFacts, lookups: Partial<FraudLookups> = {}, s = settings()) =>
  scoreRules(s, normalizeFacts(f), { ...none, ...lookups }).map((c) => c.rule);

describe('fraud rules', () => {
  it('an ordinary order fires nothing', () => {
    expect(rulesOf(facts())).toEqual([]);
  });

  it.each([
    ['total_over_average', facts({ total: 25_001 }), {}],
    ['country_mismatch', facts({ shipping: { ...home, country: 'CA' } }), {}],
    ['high_risk_country', facts({ shipping: { ...home, country: 'KP' } }), {}],
    ['free_email_domain', facts({ email: 'ann@Mailinator.com' }), {}],
    ['velocity_ip', facts(), { velocity: new Map([['ip', 5]]) }],
    ['velocity_email', facts(), { velocity: new Map([['email', 3]]) }],
    ['velocity_card', facts(), { velocity: new Map([['card', 3]]) }],
    ['blocked_ip', facts(), { blocked: new Set([blockKey('ip', '203.0.113.10')]) }],
    ['blocked_email', facts(), { blocked: new Set([blockKey('email', 'ann@shop-customer.example')]) }],
    ['blocked_card', facts(), { blocked: new Set([blockKey('card', 'fp_card_one')]) }],
    ['blocked_address', facts(), { blocked: new Set([blockKey('address', 'US|94105|1 market st')]) }],
  ] as const)('%s fires, alone, and not when disabled', (rule, f, lookups) => {
    expect(rulesOf(f, lookups)).toContain(rule);
    if (rule !== 'country_mismatch' && rule !== 'high_risk_country') expect(rulesOf(f, lookups)).toEqual([rule]);
    const off = settings({ rules: { ...DEFAULT_FRAUD_SETTINGS.rules, [rule]: { enabled: false, weight: 50 } } });
    expect(rulesOf(f, lookups, off)).not.toContain(rule);
  });

  it('stays quiet just under each limit', () => {
    expect(rulesOf(facts({ total: 25_000 }))).toEqual([]); // exactly 5× is not above it
    expect(rulesOf(facts({ total: 1_000_000 }), { average: { average: 5_000, orders: 19 } })).toEqual([]); // too few orders to trust
    expect(rulesOf(facts({ total: 1_000_000 }), { average: null })).toEqual([]);
    expect(rulesOf(facts(), { velocity: new Map([['ip', 4], ['email', 2], ['card', 2]]) })).toEqual([]);
    expect(rulesOf(facts({ ip: null, cardFingerprint: null }), { velocity: new Map([['ip', 99], ['card', 99]]) })).toEqual([]);
    expect(rulesOf(facts({ email: 'ann@gmail.com.example' }))).toEqual([]);
    expect(rulesOf(facts({ shipping: { ...home, line1: 'Other 2' } }), { blocked: new Set([blockKey('address', 'US|94105|other 3')]) })).toEqual([]);
  });

  it('a blocked email domain ("@domain") blocks every address of it', () => {
    expect(rulesOf(facts({ email: 'x+1@Fraud.example' }), { blocked: new Set([blockKey('email', '@fraud.example')]) })).toEqual(['blocked_email']);
  });

  it('adds the weights of every rule that fired; hold at the threshold, not below', () => {
    const f = facts({ total: 100_000, shipping: { ...home, country: 'IR' }, email: 'ann@yopmail.com' });
    const contributions = scoreRules(settings(), normalizeFacts(f), none);
    expect(contributions.map((c) => [c.rule, c.points])).toEqual([
      ['total_over_average', 25], ['country_mismatch', 15], ['high_risk_country', 30], ['free_email_domain', 5],
    ]);
    expect(contributions[0]!.detail).toBe('total $1,000.00 is 20.0× the average order of $50.00 (limit 5×)');
    expect(summarize(50, contributions)).toMatchObject({ score: 75, threshold: 50, hold: true });
    expect(summarize(75, contributions).hold).toBe(true);
    expect(summarize(76, contributions).hold).toBe(false);
  });

  it('exemptions: trusted emails (or domains) and office IPs, exact or by range', () => {
    const s = settings({ exemptions: { trustedEmails: ['vip@example.com', '@partner.example'], exemptIps: ['198.51.100.0/24', '2001:db8::7'] } });
    expect(exemptionOf(s, normalizeFacts(facts({ email: 'VIP+x@example.com' })))).toBe('trusted_customer');
    expect(exemptionOf(s, normalizeFacts(facts({ email: 'anyone@partner.example' })))).toBe('trusted_customer');
    expect(exemptionOf(s, normalizeFacts(facts({ ip: '198.51.100.200' })))).toBe('exempt_ip');
    expect(exemptionOf(s, normalizeFacts(facts({ ip: '2001:DB8::7' })))).toBe('exempt_ip');
    expect(exemptionOf(s, normalizeFacts(facts({ ip: '198.51.101.1' })))).toBeNull();
    expect(exemptionOf(s, normalizeFacts(facts({ ip: null })))).toBeNull();
    expect(summarize(50, [{ rule: 'blocked_card', points: 100, detail: '' }], 'exempt_ip')).toEqual({ score: 0, threshold: 50, hold: false, exemptBy: 'exempt_ip', contributions: [] });
    const trace = { rule: 'exempt', points: 0, detail: 'exempt IP' };
    expect(summarize(50, [trace, { rule: 'cvv_mismatch', points: 30, detail: '' }], 'exempt_ip').contributions).toEqual([trace]);
    expect(exemptionContribution(s, normalizeFacts(facts({ email: 'VIP+x@example.com' })), 'trusted_customer'))
      .toEqual({ rule: 'exempt', points: 0, detail: 'trusted customer: vip@example.com; no rule ran, block lists not checked' });
    expect(exemptionContribution(s, normalizeFacts(facts({ email: 'anyone@partner.example' })), 'trusted_customer').detail)
      .toBe('trusted customer: anyone@partner.example (all of @partner.example is trusted); no rule ran, block lists not checked');
    expect(exemptionContribution(s, normalizeFacts(facts({ ip: '198.51.100.200' })), 'exempt_ip').detail).toBe('exempt IP: 198.51.100.200 (in 198.51.100.0/24); no rule ran, block lists not checked');
    expect(exemptionContribution(s, normalizeFacts(facts({ ip: '2001:DB8::7' })), 'exempt_ip').detail).toBe('exempt IP: 2001:db8::7; no rule ran, block lists not checked');
  });

  it('AVS and CVV: no match full weight, partial AVS half, match or unavailable nothing', () => {
    const s = DEFAULT_FRAUD_SETTINGS;
    expect(assessGatewayChecks(s, { avs: 'N', cvv: 'N' }).map((c) => [c.rule, c.points])).toEqual([['avs_mismatch', 20], ['cvv_mismatch', 30]]);
    for (const partial of ['A', 'z', 'W', 'P']) expect(assessGatewayChecks(s, { avs: partial })).toEqual([expect.objectContaining({ rule: 'avs_mismatch', points: 10 })]);
    for (const quiet of ['Y', 'X', 'D', 'M', 'U', 'R', 'S', 'G', 'E']) expect(assessGatewayChecks(s, { avs: quiet })).toEqual([]);
    for (const quiet of ['M', 'P', 'S', 'U']) expect(assessGatewayChecks(s, { cvv: quiet })).toEqual([]);
    expect(assessGatewayChecks(s, {})).toEqual([]);
    const off = { ...s, rules: { ...s.rules, cvv_mismatch: { enabled: false, weight: 30 } } };
    expect(assessGatewayChecks(off, { cvv: 'N' })).toEqual([]);
    const held = withGatewayChecks(summarize(50, [{ rule: 'country_mismatch', points: 15, detail: '' }]), assessGatewayChecks(s, { avs: 'N', cvv: 'N' }));
    expect(held).toMatchObject({ score: 65, hold: true });
  });
});

describe('fraud settings', () => {
  it('normalises lists and keeps the defaults valid', () => {
    expect(normalizeFraudSettings(DEFAULT_FRAUD_SETTINGS).freeEmailDomains).toContain('mailinator.com');
    const s = normalizeFraudSettings({
      ...DEFAULT_FRAUD_SETTINGS, highRiskCountries: ['ng', 'KP', 'kp'], freeEmailDomains: ['@Temp.Example', 'temp.example'],
      exemptions: { trustedEmails: ['Boss+1@Shop.example'], exemptIps: ['::ffff:10.0.0.1', '10.0.0.0/8'] },
    });
    expect(s.highRiskCountries).toEqual(['KP', 'NG']);
    expect(s.freeEmailDomains).toEqual(['temp.example']);
    expect(s.exemptions).toEqual({ trustedEmails: ['boss@shop.example'], exemptIps: ['10.0.0.0/8', '10.0.0.1'] });
  });

  it.each([
    ['/threshold', { threshold: 0 }],
    ['/rules/velocity_ip/weight', { rules: { ...DEFAULT_FRAUD_SETTINGS.rules, velocity_ip: { enabled: true, weight: 101 } } }],
    ['/rules/cvv_mismatch/weight', { rules: { ...DEFAULT_FRAUD_SETTINGS.rules, cvv_mismatch: { enabled: true, weight: 2.5 } } }],
    ['/highRiskCountries/1', { highRiskCountries: ['NG', 'XX'] }],
    ['/freeEmailDomains/0', { freeEmailDomains: ['not a domain'] }],
    ['/velocity/card/windowMinutes', { velocity: { ...DEFAULT_FRAUD_SETTINGS.velocity, card: { maxOrders: 3, windowMinutes: 0 } } }],
    ['/exemptions/exemptIps/0', { exemptions: { trustedEmails: [], exemptIps: ['10.0.0.0/40'] } }],
    ['/exemptions/trustedEmails/0', { exemptions: { trustedEmails: ['nobody'], exemptIps: [] } }],
    ['/totalOverAverage/multiplier', { totalOverAverage: { multiplier: 0.5, minOrders: 20 } }],
  ] as const)('refuses a bad %s', (field, patch) => {
    expect(() => normalizeFraudSettings({ ...DEFAULT_FRAUD_SETTINGS, ...patch } as FraudSettings))
      .toThrow(expect.objectContaining({ code: 'validation_failed', field }));
  });

  it('fills what a stored row lacks from the defaults', () => {
    const stored = withDefaults({ threshold: 70, rules: { blocked_ip: { enabled: false, weight: 10 } } as never, velocity: { ip: { maxOrders: 9 } } as never });
    expect(stored.threshold).toBe(70);
    expect(stored.rules.blocked_ip).toEqual({ enabled: false, weight: 10 });
    expect(stored.rules.blocked_card).toEqual(DEFAULT_FRAUD_SETTINGS.rules.blocked_card);
    expect(stored.velocity.ip).toEqual({ maxOrders: 9, windowMinutes: 60 });
    expect(Object.keys(stored.rules)).toEqual([...FRAUD_RULES]);
  });
});

import { beforeEach, expect, it } from 'vitest';
import { transact } from '../db/transact.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { assessFraud, type FraudFacts, recordFraudSignals, rescoreWithGatewayChecks, scoreGatewayChecks, withGatewayChecks } from './assess-fraud.js';
import { forgetAverageOrderTotals } from './average-order-total.js';
import { blockOrderCustomer } from './block-order-customer.js';
import { addFraudBlock, removeFraudBlock } from './fraud-blocks.js';
import { deleteFraudSignalsBefore } from './fraud.repository.js';
import { DEFAULT_FRAUD_SETTINGS, type FraudSettings } from './fraud-settings.js';
import { invalidateFraudSettingsCache, readFraudSettings } from './load-fraud-settings.js';
import { updateFraudSettings } from './update-fraud-settings.js';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const MIN = 60_000;
let seq = 0;

/** Facts of a fresh customer: nothing in the database knows them yet. */
function newCustomer(overrides: Partial<FraudFacts> = {}): FraudFacts {
  const n = `${++seq}x${Math.random().toString(36).slice(2, 8)}`;
  const address = { line1: `${seq} Quiet Lane`, postalCode: `Q${seq}`, country: 'US' };
  return {
    currency: 'USD', total: 4_000, email: `c${n}@shop-customer.example`, ip: `198.18.${seq % 250}.${(seq * 7) % 250}`,
    billing: address, shipping: address, cardFingerprint: `fp_${n}`, ...overrides,
  };
}
const rules = (a: { contributions: { rule: string }[] }) => a.contributions.map((c) => c.rule);

describeEachDatabase('fraud assessment', (getDb) => {
  const db = () => getDb().db;
  let orderId = 1_000;
  const place = (facts: FraudFacts, at: number) => transact(db(), (trx) => recordFraudSignals(trx, ++orderId, facts, at));
  const saveSettings = async (patch: Partial<FraudSettings>) => {
    const current = await readFraudSettings(db());
    return transact(db(), (trx) => updateFraudSettings(trx, { ...current.settings, ...patch }, { version: current.version, source: 'body' }, 'user:1 Test'));
  };
  beforeEach(() => invalidateFraudSettingsCache());

  it('an unknown customer scores 0 under the default settings', async () => {
    expect(await assessFraud(db(), newCustomer(), NOW)).toEqual({ score: 0, threshold: 50, hold: false, exemptBy: null, contributions: [] });
  });

  it('velocity counts the orders within the window only, by normalised IP, email and card', async () => {
    const facts = newCustomer();
    for (let i = 0; i < 6; i++) await place(facts, NOW - 61 * MIN - i); // IP window is 60 minutes: too old
    await place(facts, NOW + MIN); // after "now": not counted
    expect(rules(await assessFraud(db(), facts, NOW))).toEqual(['velocity_card']); // the card window is a day
    for (let i = 0; i < 2; i++) await place({ ...facts, email: facts.email.replace('@', '+tag@').toUpperCase(), ip: `::ffff:${facts.ip}` }, NOW - 10 * MIN);
    expect(rules(await assessFraud(db(), facts, NOW))).toEqual(['velocity_card']); // 2 earlier + this = 3 by email: at the limit
    await place(facts, NOW - MIN);
    const a = await assessFraud(db(), facts, NOW);
    expect(rules(a)).toEqual(['velocity_email', 'velocity_card']);
    expect(a.contributions[0]!.detail).toMatch(/at least 4 orders within 60 minutes, this one included \(limit 3\)/);
    await place(facts, NOW - 2 * MIN);
    await place(facts, NOW - 3 * MIN);
    expect(rules(await assessFraud(db(), facts, NOW))).toEqual(['velocity_ip', 'velocity_email', 'velocity_card']);
    expect(await assessFraud(db(), facts, NOW)).toMatchObject({ score: 100, hold: true });
  });

  it('records an order once, however often it is recorded, and prunes old signals', async () => {
    const facts = newCustomer();
    await place(facts, NOW - 5 * MIN);
    await transact(db(), (trx) => recordFraudSignals(trx, orderId, facts, NOW - 5 * MIN));
    const rows = await db().selectFrom('fraud_signals').selectAll().where('order_id', '=', orderId).execute();
    expect(rows.map((r) => r.kind).sort()).toEqual(['card', 'email', 'ip']);
    expect(rows.find((r) => r.kind === 'email')!.value).toBe(facts.email);
    const old = await db().selectFrom('fraud_signals').select('at').where('at', '<', NOW - 30 * 86_400_000).execute();
    await place(newCustomer(), NOW - 40 * 86_400_000);
    expect(await deleteFraudSignalsBefore(db(), NOW - 30 * 86_400_000, 2)).toBe(old.length + 3);
  });

  it('block lists: each kind scores, removal stops it, addresses by either side', async () => {
    const facts = newCustomer({ shipping: { line1: '9 Drop Street', postalCode: '10001', country: 'US' } });
    const add = (kind: 'ip' | 'email' | 'card' | 'address', value: string) => transact(db(), (trx) => addFraudBlock(trx, { kind, value, reason: 'test' }, 'user:1 Test', NOW));
    const ip = await add('ip', facts.ip!);
    await add('email', facts.email.toUpperCase());
    await add('card', facts.cardFingerprint!);
    await add('address', 'us|10001|9 drop st.');
    const a = await assessFraud(db(), facts, NOW);
    expect(rules(a)).toEqual(['blocked_ip', 'blocked_email', 'blocked_card', 'blocked_address']);
    expect(a).toMatchObject({ score: 60 + 60 + 100 + 60, hold: true });
    expect(a.contributions[3]!.detail).toBe('shipping address on the block list');
    await transact(db(), (trx) => removeFraudBlock(trx, ip.id, 'user:1 Test'));
    expect(rules(await assessFraud(db(), facts, NOW))).not.toContain('blocked_ip');
    await expect(transact(db(), (trx) => removeFraudBlock(trx, ip.id, 'user:1 Test'))).rejects.toMatchObject({ code: 'not_found' });
    await expect(add('card', facts.cardFingerprint!)).rejects.toMatchObject({ code: 'duplicate', field: '/value' });
  });

  it('blockOrderCustomer blocks IP, email, card and both addresses once; a second call adds nothing', async () => {
    const order = newCustomer({ shipping: { line1: '77 Other Road', postalCode: '20002', country: 'US' } });
    const first = await transact(db(), (trx) => blockOrderCustomer(trx, order, 'user:2 Reviewer', 'chargeback', NOW));
    expect(first.added.map((b) => b.kind)).toEqual(['ip', 'email', 'card', 'address', 'address']);
    expect(first.added[4]!.value).toBe('US|20002|77 other rd');
    const again = await transact(db(), (trx) => blockOrderCustomer(trx, { ...order, email: order.email.toUpperCase() }, 'user:2 Reviewer', 'again', NOW));
    expect(again.added).toEqual([]);
    const audit = await db().selectFrom('fraud_audit').selectAll().where('action', '=', 'customer_blocked').execute();
    expect(audit.filter((r) => r.detail_json.includes(order.email))).toHaveLength(1);
    // The same person comes back with a new card from another address: the email and IP still give them away.
    const back = await assessFraud(db(), { ...order, cardFingerprint: 'fp_new_card_1', billing: { line1: '1 Elsewhere', country: 'US' }, shipping: { line1: '1 Elsewhere', country: 'US' } }, NOW);
    expect(rules(back)).toEqual(['blocked_ip', 'blocked_email']);
    expect(back.hold).toBe(true);
  });

  it('exemptions come first: a trusted customer or an office IP scores 0 even when blocked', async () => {
    const trusted = newCustomer();
    const office = newCustomer({ ip: '192.0.2.77' });
    await transact(db(), (trx) => blockOrderCustomer(trx, trusted, 'user:1 Test', 'test', NOW));
    await transact(db(), (trx) => blockOrderCustomer(trx, office, 'user:1 Test', 'test', NOW));
    await saveSettings({ exemptions: { trustedEmails: [trusted.email], exemptIps: ['192.0.2.0/24'] } });
    // The exemption leaves a 0-point trace in the reasons stored with the order, naming what let it through.
    expect(await assessFraud(db(), trusted, NOW)).toEqual({
      score: 0, threshold: 50, hold: false, exemptBy: 'trusted_customer',
      contributions: [{ rule: 'exempt', points: 0, detail: `trusted customer: ${trusted.email}; no rule ran, block lists not checked` }],
    });
    const exempt = await assessFraud(db(), office, NOW);
    expect(exempt).toMatchObject({ score: 0, hold: false, exemptBy: 'exempt_ip' });
    expect(exempt.contributions).toEqual([{ rule: 'exempt', points: 0, detail: 'exempt IP: 192.0.2.77 (in 192.0.2.0/24); no rule ran, block lists not checked' }]);
    // An AVS/CVV answer later does not score an exempt order, and keeps its trace.
    expect(withGatewayChecks(exempt, [{ rule: 'cvv_mismatch', points: 30, detail: 'N' }])).toEqual(exempt);
    await saveSettings({ exemptions: { trustedEmails: [], exemptIps: [] } });
    expect(await assessFraud(db(), office, NOW)).toMatchObject({ hold: true, exemptBy: null });
  });

  it('settings changes apply to the next assessment; a stale or missing version is refused', async () => {
    const facts = newCustomer({ shipping: { line1: '1 Rue Test', postalCode: '75001', country: 'FR' } });
    expect(await assessFraud(db(), facts, NOW)).toMatchObject({ score: 15, hold: false });
    const before = await readFraudSettings(db());
    const saved = await saveSettings({ threshold: 15, rules: { ...before.settings.rules, cvv_mismatch: { enabled: true, weight: 44 } } });
    expect(saved.version).toBe(before.version + 1);
    expect(await assessFraud(db(), facts, NOW)).toMatchObject({ score: 15, threshold: 15, hold: true });
    expect(await scoreGatewayChecks(db(), { cvv: 'N' })).toEqual([expect.objectContaining({ rule: 'cvv_mismatch', points: 44 })]);
    const stale = transact(db(), (trx) => updateFraudSettings(trx, { ...saved.settings, threshold: 99 }, { version: before.version, source: 'if-match' }, 'x'));
    await expect(stale).rejects.toMatchObject({ code: 'precondition_failed', field: 'If-Match' });
    await expect(transact(db(), (trx) => updateFraudSettings(trx, saved.settings, undefined, 'x'))).rejects.toMatchObject({ code: 'precondition_required' });
    const unchanged = await transact(db(), (trx) => updateFraudSettings(trx, saved.settings, { version: saved.version, source: 'body' }, 'x'));
    expect(unchanged.version).toBe(saved.version);
    await saveSettings({ threshold: DEFAULT_FRAUD_SETTINGS.threshold, rules: DEFAULT_FRAUD_SETTINGS.rules });
  });

  it('total_over_average uses the trailing average of the currency from the stored daily figures', async () => {
    const day = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000; // the average looks back from the real clock
    await db().insertInto('dashboard_days').values({
      day_start: day, generation: 0, computed_generation: 0, computed_at: NOW,
      figures_json: JSON.stringify([{ currency: 'USD', orders: 100, revenue: 1_000_000 }, { currency: 'JPY', orders: 5, revenue: 50_000 }]),
    }).execute();
    forgetAverageOrderTotals(db());
    expect(rules(await assessFraud(db(), newCustomer({ total: 50_000 }), NOW))).toEqual([]);
    const big = await assessFraud(db(), newCustomer({ total: 50_001 }), NOW);
    expect(big.contributions).toEqual([{ rule: 'total_over_average', points: 25, detail: 'total $500.01 is 5.0× the average order of $100.00 (limit 5×)' }]);
    // Five JPY orders are too few to say what is normal.
    expect(rules(await assessFraud(db(), newCustomer({ currency: 'JPY', total: 10_000_000 }), NOW))).toEqual([]);
  });

  it('treats an IP that is not one ("unknown" from a proxy) as no IP', async () => {
    const facts = newCustomer({ ip: 'unknown' });
    await place(facts, NOW - MIN);
    const kinds = await db().selectFrom('fraud_signals').select('kind').where('order_id', '=', orderId).execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual(['card', 'email']);
    expect(await assessFraud(db(), facts, NOW)).toMatchObject({ score: 0 });
  });

  it('works inside the order transaction', async () => {
    const facts = newCustomer();
    const a = await transact(db(), async (trx) => {
      await recordFraudSignals(trx, ++orderId, facts, NOW - MIN);
      return assessFraud(trx, facts, NOW);
    });
    expect(a.score).toBe(0);
  });

  it('adds AVS/CVV answers to a stored verdict below the threshold too, replaces earlier ones, and leaves exempt or unscored orders alone', async () => {
    const facts = newCustomer();
    const stored = { ...facts, reasonsJson: JSON.stringify([{ rule: 'country_mismatch', points: 15, detail: 'billing GB, shipping US' }]) };
    const after = await rescoreWithGatewayChecks(db(), stored, { avs: 'N', cvv: 'M' });
    expect(after).toMatchObject({ score: 35, hold: false });
    expect(rules(after!)).toEqual(['country_mismatch', 'avs_mismatch']);
    const again = { ...stored, reasonsJson: JSON.stringify(after!.contributions) };
    expect(await rescoreWithGatewayChecks(db(), again, { avs: 'N', cvv: 'M' })).toBeUndefined(); // nothing counted twice
    expect(await rescoreWithGatewayChecks(db(), again, { avs: 'Y', cvv: 'N' })).toMatchObject({ score: 45, contributions: [{ rule: 'country_mismatch' }, { rule: 'cvv_mismatch' }] });
    expect(await rescoreWithGatewayChecks(db(), { ...stored, reasonsJson: null }, { avs: 'N' })).toBeUndefined();
    await saveSettings({ exemptions: { trustedEmails: [facts.email], exemptIps: [] } });
    try {
      expect(await rescoreWithGatewayChecks(db(), { ...stored, reasonsJson: '[]' }, { avs: 'N' })).toBeUndefined();
    } finally {
      await saveSettings({ exemptions: { trustedEmails: [], exemptIps: [] } });
    }
  });
});

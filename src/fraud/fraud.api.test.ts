import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { DEFAULT_FRAUD_SETTINGS } from './fraud-settings.js';
import { invalidateFraudSettingsCache } from './load-fraud-settings.js';

const home = { firstName: 'Ann', lastName: 'Buyer', line1: '5 Harbour Street', city: 'Boston', postalCode: '02110', country: 'US' };
let seq = 0;
const unique = () => `${++seq}${Math.random().toString(36).slice(2, 7)}`;

describeEachDatabase('fraud API', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
    invalidateFraudSettingsCache();
  });
  afterAll(async () => t.close());

  const getSettings = async () => {
    const res = await t.as('read_only', { method: 'GET', url: '/api/v1/fraud/settings' });
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const body = (settings: Record<string, unknown>) => {
    const { version: _v, updatedAt: _a, updatedBy: _b, ...rest } = settings;
    return rest;
  };
  const block = (payload: Record<string, unknown>, role: 'admin' | 'accounting' = 'accounting') =>
    t.as(role, { method: 'POST', url: '/api/v1/fraud/blocks', payload: { reason: 'chargeback on order 1001', ...payload } });
  const assess = (payload: Record<string, unknown>) =>
    t.as('customer_service', { method: 'POST', url: '/api/v1/fraud/assess', payload: { currency: 'USD', total: 2500, email: `a${unique()}@example.com`, billing: home, ...payload } });

  it('shows the defaults as version 1, then saves a change as version 2 with an audit row', async () => {
    const first = await getSettings();
    expect(first.headers.etag).toBe('"v1"');
    expect(first.json()).toMatchObject({ ...DEFAULT_FRAUD_SETTINGS, version: 1, updatedAt: null, updatedBy: null });
    const payload = { ...body(first.json()), threshold: 60, highRiskCountries: ['ng', 'KP'], exemptions: { trustedEmails: ['Boss@Shop.example'], exemptIps: ['10.0.0.0/8'] } };
    const saved = await t.as('manager', { method: 'PUT', url: '/api/v1/fraud/settings', headers: { 'if-match': '"v1"' }, payload });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.headers.etag).toBe('"v2"');
    expect(saved.json()).toMatchObject({ threshold: 60, highRiskCountries: ['KP', 'NG'], exemptions: { trustedEmails: ['boss@shop.example'] }, version: 2, updatedBy: expect.stringContaining('api_key:') });
    expect((await getSettings()).json()).toMatchObject({ threshold: 60, version: 2, updatedAt: expect.any(String) });
    const audit = await t.db.selectFrom('fraud_audit').selectAll().where('action', '=', 'settings_changed').execute();
    expect(JSON.parse(audit.at(-1)!.detail_json)).toMatchObject({ version: 2, before: { threshold: 50 }, after: { threshold: 60 } });
    // The dry run sees the new threshold and exemptions at once.
    expect((await assess({ email: 'boss+x@shop.example' })).json()).toMatchObject({ exemptBy: 'trusted_customer', threshold: 60 });
  });

  it('needs the version it read: 428 without, 412 stale If-Match, 409 stale body version; nothing changes', async () => {
    const current = (await getSettings()).json();
    const payload = { ...body(current), threshold: 99 };
    const put = (headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
      t.as('admin', { method: 'PUT', url: '/api/v1/fraud/settings', headers, payload: { ...payload, ...extra } });
    expect((await put({})).json()).toMatchObject({ status: 428, code: 'precondition_required' });
    expect((await put({ 'if-match': `"v${current.version - 1}"` })).json()).toMatchObject({ status: 412, code: 'precondition_failed', field: 'If-Match' });
    expect((await put({}, { version: current.version + 5 })).json()).toMatchObject({ status: 409, code: 'version_conflict', field: '/version' });
    expect((await getSettings()).json()).toMatchObject({ threshold: current.threshold, version: current.version });
  });

  describe('bad settings are a 400 naming the field', () => {
    const rules = DEFAULT_FRAUD_SETTINGS.rules;
    it.each([
      ['threshold 0', { threshold: 0 }, '/threshold'],
      ['weight over 100', { rules: { ...rules, velocity_ip: { enabled: true, weight: 101 } } }, '/rules/velocity_ip/weight'],
      ['fractional weight', { rules: { ...rules, blocked_card: { enabled: true, weight: 1.5 } } }, '/rules/blocked_card/weight'],
      ['unknown rule', { rules: { ...rules, moon_phase: { enabled: true, weight: 1 } } }, '/rules/moon_phase'],
      ['missing rule', { rules: { ...rules, cvv_mismatch: undefined } }, '/rules/cvv_mismatch'],
      ['three-letter country', { highRiskCountries: ['USA'] }, '/highRiskCountries/0'],
      ['unassigned country', { highRiskCountries: ['NG', 'XX'] }, '/highRiskCountries/1'],
      ['bad domain', { freeEmailDomains: ['mailinator.com', 'not a domain'] }, '/freeEmailDomains/1'],
      ['bad office IP', { exemptions: { trustedEmails: [], exemptIps: ['10.0.0.300'] } }, '/exemptions/exemptIps/0'],
      ['bad CIDR prefix', { exemptions: { trustedEmails: [], exemptIps: ['10.0.0.0/8', '10.0.0.0/33'] } }, '/exemptions/exemptIps/1'],
      ['bad trusted email', { exemptions: { trustedEmails: ['boss'], exemptIps: [] } }, '/exemptions/trustedEmails/0'],
      ['velocity window 0', { velocity: { ...DEFAULT_FRAUD_SETTINGS.velocity, ip: { maxOrders: 5, windowMinutes: 0 } } }, '/velocity/ip/windowMinutes'],
    ])('%s', async (_label, patch, field) => {
      const current = (await getSettings()).json();
      const res = await t.as('admin', { method: 'PUT', url: '/api/v1/fraud/settings', payload: { ...body(current), ...patch, version: current.version } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', field });
    });
  });

  it('adds, lists (by kind, keyset-paged), reads and removes block list entries, each audited', async () => {
    const ip = await block({ kind: 'ip', value: '::FFFF:203.0.113.9' });
    expect(ip.statusCode, ip.body).toBe(201);
    expect(ip.json()).toMatchObject({ kind: 'ip', value: '203.0.113.9', reason: 'chargeback on order 1001', createdBy: expect.stringContaining('test accounting') });
    expect(ip.headers.location).toBe(`/api/v1/fraud/blocks/${ip.json().id}`);
    const address = await block({ kind: 'address', address: { line1: '9 Drop Street', postalCode: '10001', country: 'US' } });
    expect(address.json().value).toBe('US|10001|9 drop st');
    const emails = [];
    for (let i = 0; i < 3; i++) emails.push((await block({ kind: 'email', value: `Fraud${i}+x@Example.com` })).json());
    expect(emails.map((e) => e.value)).toEqual(['fraud0@example.com', 'fraud1@example.com', 'fraud2@example.com']);
    expect((await block({ kind: 'email', value: 'fraud1@example.com' })).json()).toMatchObject({ status: 409, code: 'duplicate', field: '/value' });

    const page1 = (await t.as('read_only', { method: 'GET', url: '/api/v1/fraud/blocks?kind=email&limit=2' })).json();
    expect(page1.items.map((b: { value: string }) => b.value)).toEqual(['fraud2@example.com', 'fraud1@example.com']);
    const page2 = (await t.as('read_only', { method: 'GET', url: `/api/v1/fraud/blocks?kind=email&limit=2&cursor=${page1.nextCursor}` })).json();
    expect(page2).toEqual({ items: [emails[0]], nextCursor: null });
    const all = (await t.as('read_only', { method: 'GET', url: '/api/v1/fraud/blocks' })).json();
    expect(all.items.map((b: { kind: string }) => b.kind).slice(0, 5)).toEqual(['email', 'email', 'email', 'address', 'ip']);

    const url = `/api/v1/fraud/blocks/${ip.json().id}`;
    expect((await t.as('read_only', { method: 'GET', url })).json()).toEqual(ip.json());
    expect((await t.as('accounting', { method: 'DELETE', url })).statusCode).toBe(204);
    expect((await t.as('read_only', { method: 'GET', url })).statusCode).toBe(404);
    expect((await t.as('accounting', { method: 'DELETE', url })).statusCode).toBe(404);
    const audit = await t.db.selectFrom('fraud_audit').select(['action', 'detail_json']).where('action', 'in', ['block_added', 'block_removed']).execute();
    expect(audit.filter((a) => a.detail_json.includes('"203.0.113.9"')).map((a) => a.action)).toEqual(['block_added', 'block_removed']);
  });

  it('reads the audit trail of rule and block list changes: newest first, by action, keyset-paged', async () => {
    const value = `audit-${unique()}@example.com`;
    const added = (await block({ kind: 'email', value })).json();
    expect((await t.as('accounting', { method: 'DELETE', url: `/api/v1/fraud/blocks/${added.id}` })).statusCode).toBe(204);

    const latest = await t.as('read_only', { method: 'GET', url: '/api/v1/fraud/audit?limit=2' });
    expect(latest.statusCode, latest.body).toBe(200);
    const [removed, blocked] = latest.json().items;
    expect(removed).toMatchObject({ action: 'block_removed', actor: expect.stringContaining('test accounting'), detail: { id: added.id, kind: 'email', value } });
    expect(blocked).toMatchObject({ action: 'block_added', detail: { id: added.id, value, reason: 'chargeback on order 1001' } });
    expect(Date.parse(removed.at)).toBeGreaterThanOrEqual(Date.parse(blocked.at));
    expect(removed.id).toBeGreaterThan(blocked.id);

    const older = await t.as('read_only', { method: 'GET', url: `/api/v1/fraud/audit?limit=2&cursor=${latest.json().nextCursor}` });
    expect(older.json().items.every((a: { id: number }) => a.id < blocked.id)).toBe(true);
    const changes = (await t.as('read_only', { method: 'GET', url: '/api/v1/fraud/audit?action=settings_changed' })).json();
    expect(changes.items.length).toBeGreaterThan(0);
    expect(changes.items[0]).toMatchObject({ action: 'settings_changed', detail: { before: expect.any(Object), after: expect.any(Object) } });
    expect((await t.as('read_only', { method: 'GET', url: '/api/v1/fraud/audit?action=dropped_table' })).statusCode).toBe(400);
  });

  it.each([
    ['unknown kind', { kind: 'phone', value: '555' }, '/kind'],
    ['bad IP', { kind: 'ip', value: 'localhost' }, '/value'],
    ['bad email', { kind: 'email', value: 'nobody' }, '/value'],
    ['no value', { kind: 'card' }, '/value'],
    ['address for an IP', { kind: 'ip', address: { line1: '1 A St', country: 'US' } }, '/address'],
    ['empty reason', { kind: 'ip', value: '192.0.2.1', reason: '' }, '/reason'],
  ])('refuses a block with %s, naming the field', async (_label, payload, field) => {
    const res = await block(payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', field });
  });

  it('dry-runs an assessment, AVS/CVV included, without recording anything', async () => {
    await block({ kind: 'card', value: 'fp_dry_run_card_1' });
    const signals = async () => (await t.db.selectFrom('fraud_signals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = Number(await signals());
    const res = await assess({ cardFingerprint: 'fp_dry_run_card_1', shipping: { ...home, country: 'CA' }, avs: 'N', cvv: 'n' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ score: 15 + 100 + 20 + 30, hold: true, exemptBy: null });
    expect(res.json().contributions.map((c: { rule: string }) => c.rule)).toEqual(['country_mismatch', 'blocked_card', 'avs_mismatch', 'cvv_mismatch']);
    expect((await assess({ ip: '10.1.2.3' })).json()).toMatchObject({ score: 0, exemptBy: 'exempt_ip' }); // the office range saved above
    expect(Number(await signals())).toBe(before);
    expect((await assess({ billing: { ...home, country: 'USA' } })).json()).toMatchObject({ status: 400, field: '/billing/country' });
    expect((await assess({ total: -1 })).json()).toMatchObject({ status: 400, field: '/total' });
  });

  it('blocks a whole IP range (CIDR) as well as single addresses; a /32 is the address itself', async () => {
    const range = await block({ kind: 'ip', value: ' 198.51.100.9/24 ' });
    expect(range.statusCode, range.body).toBe(201);
    expect(range.json().value).toBe('198.51.100.9/24');
    const v6 = (await block({ kind: 'ip', value: '2001:DB8:1::/48' })).json();
    expect(v6.value).toBe('2001:db8:1::/48');
    expect((await block({ kind: 'ip', value: '192.0.2.44/32' })).json().value).toBe('192.0.2.44');
    expect((await block({ kind: 'ip', value: '198.51.100.0/33' })).json()).toMatchObject({ status: 400, field: '/value' });

    const inRange = (await assess({ ip: '198.51.100.200' })).json();
    expect(inRange.contributions).toContainEqual(expect.objectContaining({ rule: 'blocked_ip', detail: 'IP 198.51.100.200 is in the blocked range 198.51.100.9/24' }));
    expect((await assess({ ip: '2001:db8:1:ff::7' })).json().contributions.map((c: { rule: string }) => c.rule)).toContain('blocked_ip');
    expect((await assess({ ip: '198.51.101.1' })).json().contributions.map((c: { rule: string }) => c.rule)).not.toContain('blocked_ip');
    expect((await assess({ ip: '192.0.2.44' })).json().contributions).toContainEqual(expect.objectContaining({ rule: 'blocked_ip', detail: 'IP 192.0.2.44 is on the block list' }));

    // Removing the range lets the same address through at once.
    expect((await t.as('accounting', { method: 'DELETE', url: `/api/v1/fraud/blocks/${range.json().id}` })).statusCode).toBe(204);
    expect((await assess({ ip: '198.51.100.200' })).json().contributions.map((c: { rule: string }) => c.rule)).not.toContain('blocked_ip');
  });

  it('needs fraud_review:view to look, fraud_review:act for block lists, settings:manage for the rules', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/fraud/settings' })).statusCode).toBe(401);
    expect((await t.as('fulfilment', { method: 'GET', url: '/api/v1/fraud/settings' })).json()).toMatchObject({ status: 403, code: 'forbidden' });
    expect((await t.as('fulfilment', { method: 'GET', url: '/api/v1/fraud/blocks' })).statusCode).toBe(403);
    expect((await t.as('fulfilment', { method: 'POST', url: '/api/v1/fraud/assess', payload: {} })).statusCode).toBe(403);
    expect((await t.as('customer_service', { method: 'POST', url: '/api/v1/fraud/blocks', payload: { kind: 'ip', value: '192.0.2.9', reason: 'x' } })).statusCode).toBe(403);
    expect((await t.as('customer_service', { method: 'DELETE', url: '/api/v1/fraud/blocks/1' })).statusCode).toBe(403);
    const current = (await getSettings()).json();
    const put = (role: 'accounting' | 'customer_service') =>
      t.as(role, { method: 'PUT', url: '/api/v1/fraud/settings', payload: { ...body(current), threshold: 1, version: current.version } });
    expect((await put('accounting')).json()).toMatchObject({ status: 403, code: 'forbidden' }); // works the queue, does not set the rules
    expect((await put('customer_service')).statusCode).toBe(403);
    expect((await getSettings()).json().threshold).toBe(current.threshold);
  });
});

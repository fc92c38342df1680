import { describe, expect, it } from 'vitest';
import { rebaseDraft } from './rebase-settings';

const base = {
  version: 3, threshold: 50,
  rules: { blocked_ip: { enabled: true, weight: 50 }, velocity_ip: { enabled: true, weight: 20 } },
  highRiskCountries: ['NG'], exemptions: { trustedEmails: [] as string[], exemptIps: [] as string[] },
};

describe('re-applying a draft to the settings someone else saved first', () => {
  it('keeps their changes and puts back only what the user changed, key by key', () => {
    const { version: _v, ...mine } = { ...base, rules: { ...base.rules, blocked_ip: { enabled: true, weight: 80 } }, highRiskCountries: ['NG', 'KP'] };
    const theirs = { ...base, version: 4, threshold: 60, rules: { ...base.rules, velocity_ip: { enabled: false, weight: 20 } }, exemptions: { trustedEmails: ['boss@shop.example'], exemptIps: [] } };
    const { merged, reapplied, overridden } = rebaseDraft(base, mine, theirs);
    expect(merged).toEqual({
      version: 4, threshold: 60,
      rules: { blocked_ip: { enabled: true, weight: 80 }, velocity_ip: { enabled: false, weight: 20 } },
      highRiskCountries: ['NG', 'KP'], exemptions: { trustedEmails: ['boss@shop.example'], exemptIps: [] },
    });
    expect(reapplied).toEqual(['rules.blocked_ip.weight', 'highRiskCountries']);
    expect(overridden).toEqual([]);
  });

  it('says where both changed the same value: the user\'s is shown for review', () => {
    const theirs = { ...base, version: 4, threshold: 60 };
    const same = { ...base, version: 4, threshold: 70 };
    expect(rebaseDraft(base, { ...base, threshold: 70 }, theirs)).toMatchObject({ merged: { version: 4, threshold: 70 }, reapplied: ['threshold'], overridden: ['threshold'] });
    expect(rebaseDraft(base, { ...base, threshold: 70 }, same).overridden).toEqual([]);
  });

  it('treats a list as one value and ignores undefined against absent', () => {
    const mine = { days: [{ day: 1, action: 'charge', couponPercent: undefined }], enabled: true };
    const b = { version: 1, days: [{ day: 1, action: 'charge' }], enabled: true };
    const theirs = { version: 2, days: [{ day: 1, action: 'email' }, { day: 3, action: 'charge' }], enabled: true };
    expect(rebaseDraft(b, mine, theirs)).toEqual({ merged: theirs, reapplied: [], overridden: [] });
    const changed = { ...mine, days: [{ day: 2, action: 'charge' }] };
    expect(rebaseDraft(b, changed, theirs)).toMatchObject({ merged: { version: 2, days: [{ day: 2, action: 'charge' }] }, reapplied: ['days'], overridden: ['days'] });
  });
});

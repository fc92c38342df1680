import { describe, expect, it } from 'vitest';
import { addressKey, ipMatcher, normalizeBlockValue, normalizeEmail, normalizeIp, normalizeIpRange } from './fraud-values.js';

describe('fraud value normalisation', () => {
  it('emails: case, spaces and +tags do not make a new customer', () => {
    expect(normalizeEmail('  Bob.Smith+promo@Example.COM ')).toBe('bob.smith@example.com');
    expect(normalizeEmail('+only@example.com')).toBe('+only@example.com');
    expect(normalizeEmail('no-at-sign')).toBe('no-at-sign');
  });

  it('IPs: canonical IPv6, IPv4-mapped as IPv4, garbage as null', () => {
    expect(normalizeIp(' 203.0.113.7 ')).toBe('203.0.113.7');
    expect(normalizeIp('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(normalizeIp('[2001:db8::1]')).toBe('2001:db8::1');
    expect(normalizeIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    for (const bad of ['unknown', '', '256.1.1.1', '01.2.3.4', '1.2.3']) expect(normalizeIp(bad)).toBeNull();
  });

  it('IP ranges: exact or CIDR, prefix within the family', () => {
    expect(normalizeIpRange('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(normalizeIpRange('2001:DB8::/32')).toBe('2001:db8::/32');
    expect(normalizeIpRange('10.0.0.0/33')).toBeNull();
    expect(normalizeIpRange('10.0.0.0/x')).toBeNull();
    const exempt = ipMatcher(['10.0.0.0/8', '198.51.100.4', '2001:db8::/32']);
    expect(exempt('10.200.3.4')).toBe(true);
    expect(exempt('198.51.100.4')).toBe(true);
    expect(exempt('198.51.100.5')).toBe(false);
    expect(exempt('2001:db8:1::9')).toBe(true);
    expect(exempt('2001:db9::1')).toBe(false);
    expect(ipMatcher([])('10.0.0.1')).toBe(false);
  });

  it('address keys ignore case, punctuation, accents, street-word spelling, names and line 2', () => {
    const a = addressKey({ line1: '12 Main Street', postalCode: '94105-1234', country: 'us' });
    expect(a).toBe('US|941051234|12 main st');
    expect(addressKey({ line1: '12, MAIN St.', line2: 'Apt 4', postalCode: '94105 1234', country: 'US', firstName: 'X' } as never)).toBe(a);
    expect(addressKey({ line1: 'Königstraße 5', postalCode: '70173', country: 'DE' })).toBe('DE|70173|konigstrasse 5');
    expect(addressKey({ line1: '12 Main Street', country: 'US' })).toBe('US||12 main st');
    expect(addressKey({ line1: '13 Main Street', postalCode: '94105-1234', country: 'US' })).not.toBe(a);
  });

  it('block values are normalised per kind, and a bad one is a 400 naming the field', () => {
    expect(normalizeBlockValue('ip', '::ffff:10.0.0.1', '/value')).toBe('10.0.0.1');
    expect(normalizeBlockValue('email', 'Eve+x@Example.com', '/value')).toBe('eve@example.com');
    expect(normalizeBlockValue('email', '@Spam.example', '/value')).toBe('@spam.example');
    expect(normalizeBlockValue('card', ' fp_abcdef12 ', '/value')).toBe('fp_abcdef12');
    expect(normalizeBlockValue('address', 'us|94105|12 Main Street', '/value')).toBe('US|94105|12 main st');
    for (const [kind, value] of [['ip', 'localhost'], ['email', 'nobody'], ['card', 'short'], ['address', '12 Main Street'], ['address', 'USA|1|x']] as const) {
      expect(() => normalizeBlockValue(kind, value, '/value')).toThrow(expect.objectContaining({ code: 'validation_failed', field: '/value' }));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { domainFilter, freeTextFilters } from './query-terms.js';
import { domainTerm, emailDomainTerm, termsForOrder } from './search-terms.js';

describe('email domain terms', () => {
  it('stores a domain reversed label by label, closed by a dot, folded like every term', () => {
    expect(emailDomainTerm('Ann@Mail.ACME.com')).toBe('com.acme.mail.');
    expect(emailDomainTerm('odd@name@acme.com')).toBe('com.acme.');
    expect(emailDomainTerm('ann@müller.de')).toBe('de.muller.');
    expect(emailDomainTerm('no-at-sign')).toBe('');
    expect(domainTerm('.acme.com.')).toBe('com.acme.');
    // Cut after reversing: an over-long domain keeps its suffix, so its parent domains still find it.
    expect(domainTerm(`${'a'.repeat(200)}.acme.com`).startsWith('com.acme.aaa')).toBe(true);
    expect(domainTerm(`${'a'.repeat(200)}.acme.com`)).toHaveLength(120);
  });

  it('adds exactly one domain term to an order', () => {
    const terms = termsForOrder({ orderNumber: 'OD-1', email: 'ann@acme.com', addresses: [], skus: [], tags: [], customFields: {} });
    expect(terms.filter((t) => t.kind === 'domain')).toEqual([{ term: 'com.acme.', kind: 'domain' }]);
  });

  it('reads "@acme.com" as the prefix holding that domain and its subdomains, never a longer label', () => {
    expect(domainFilter('@ACME.com', 'email')).toEqual({ kinds: ['domain'], prefix: 'com.acme.' });
    expect(domainFilter(' acme.com. ', 'email')).toEqual({ kinds: ['domain'], prefix: 'com.acme.' });
    // "com.acme." is no prefix of "com.acmeco." (acmeco.com) nor of "au.com.acme." (acme.com.au).
    expect('com.acmeco.'.startsWith(domainFilter('@acme.com', 'q').prefix!)).toBe(false);
    expect('com.acme.eu.'.startsWith(domainFilter('@acme.com', 'q').prefix!)).toBe(true);
    for (const bad of ['@', '@..', '@a b', '@a@b']) expect(() => domainFilter(bad, 'email'), bad).toThrow();
  });

  it('treats a free-text word starting with @ as a domain, and leaves the other words as they were', () => {
    const [domain, name] = freeTextFilters('@acme.com Smith');
    expect(domain).toEqual({ kinds: ['domain'], prefix: 'com.acme.' });
    expect(name).toMatchObject({ prefix: 'smith' });
    expect(freeTextFilters('ann@acme.com')[0]).toMatchObject({ prefix: 'ann@acme.com' });
    expect(() => freeTextFilters('@')).toThrow(/domain/);
  });
});

import { describe, expect, it } from 'vitest';
import { isCountry } from '../../../src/shared/countries.js';
import { COUNTRY_CODES, COUNTRY_OPTIONS, countryLabel, parseCountry } from './countries';
import { changesFromDraft, draftFromParams } from './filter-draft';

describe('the country filter', () => {
  it('offers exactly the codes the API accepts', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const serverCodes = [...letters].flatMap((a) => [...letters].map((b) => a + b)).filter(isCountry);
    expect([...COUNTRY_CODES].sort()).toEqual(serverCodes);
    expect(COUNTRY_OPTIONS).toHaveLength(serverCodes.length);
  });

  it('reads a code, a picked suggestion or a name, and refuses anything else', () => {
    expect(countryLabel('GB')).toBe('United Kingdom (GB)');
    expect(parseCountry('gb')).toBe('GB');
    expect(parseCountry('United Kingdom (GB)')).toBe('GB');
    expect(parseCountry('  united kingdom ')).toBe('GB');
    expect(parseCountry('Germany')).toBe('DE');
    expect(parseCountry(countryLabel('CI').replace(/ \(CI\)$/, '').normalize('NFKD').replace(/[\u0300-\u036f]/g, ''))).toBe('CI');
    for (const bad of ['ZZ', 'UK', 'Narnia', 'United', 'Narnia (ZZ)', '']) expect(parseCountry(bad), bad).toBeNull();
  });

  it('shows the code in the URL by name in the panel, and sends the code back', () => {
    const { draft, lists } = draftFromParams(new URLSearchParams('country=FR'));
    expect(draft.country).toBe('France (FR)');
    expect(changesFromDraft(draft, lists).changes.country).toBe('FR');
    expect(changesFromDraft({ ...draft, country: 'spain' }, lists).changes.country).toBe('ES');
    expect(changesFromDraft({ ...draft, country: 'Atlantis' }, lists).errors.country).toMatch(/country/i);
  });
});

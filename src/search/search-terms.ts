/**
 * The vocabulary of the order search index. Writing (when an order changes) and reading (when a
 * filter is parsed) both go through `normalizeTerm`, so "Müller", "MULLER" and "muller" meet.
 */
export const TERM_KINDS = [
  'order', 'email', 'name', 'company', 'phone', 'postal', 'country', 'sku', 'addr', 'tag',
  'cf1', 'cf2', 'cf3', 'cf4', 'cf5', 'cf6', 'cf7', 'cf8', 'cf9', 'cf10', 'domain',
] as const;
export type TermKind = (typeof TERM_KINDS)[number];

/** Kinds the free-text box looks in. */
export const FREE_TEXT_KINDS: readonly TermKind[] = ['order', 'email', 'name', 'company', 'phone', 'postal', 'sku', 'addr'];

export interface Term {
  term: string;
  kind: TermKind;
}

const MAX_TERM = 120;

const fold = (value: string): string => value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();

export function normalizeTerm(value: string): string {
  return fold(value).slice(0, MAX_TERM);
}

/**
 * A domain as the index holds it: labels reversed, with a closing dot ("mail.acme.com" → "com.acme.mail.").
 * A domain and its subdomains are then one prefix ("com.acme."), and a domain that merely contains the
 * text is outside it ("notacme.com" → "com.notacme.", "acme.com.au" → "au.com.acme."). Reversed before it
 * is cut to length, so an over-long domain loses its innermost labels, never its suffix.
 */
export function domainTerm(domain: string): string {
  const labels = fold(domain).split('.').filter(Boolean);
  return labels.length ? `${labels.reverse().join('.')}.`.slice(0, MAX_TERM) : '';
}

/** The domain term of an email address (what follows its last @). */
export const emailDomainTerm = (email: string): string => {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : domainTerm(email.slice(at + 1));
};

const SEPARATORS = /[\s,;:/()"!?]+/;
/** Straight and typographic apostrophes: storefronts send "O’Brien" as often as "O'Brien". */
const APOSTROPHES = /['\u2018\u2019\u02bc]/g;
const trimEnds = (word: string) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

/** Splits free text into word terms: letters and digits, keeping inner dots, @, - and _ (emails, SKUs). */
export function words(value: string): string[] {
  const out: string[] = [];
  for (const raw of normalizeTerm(value).split(SEPARATORS)) {
    for (const part of raw.split(APOSTROPHES)) {
      const word = trimEnds(part);
      if (word) out.push(word);
    }
  }
  return out;
}

/**
 * What a name or address is indexed under: its words, plus the later parts of a hyphenated word ("jones"
 * of "smith-jones"; "smith" is found as the whole's prefix) and an elided word written whole ("obrien"
 * beside "o" and "brien"), so each way staff type it finds it. Parts without a letter ("14" of "12-14")
 * and single letters add nothing a search would use, so they are not stored.
 */
export function indexedWords(value: string): string[] {
  const out = words(value);
  for (const raw of normalizeTerm(value).split(SEPARATORS)) {
    const joined = trimEnds(raw.replace(APOSTROPHES, ''));
    if (joined !== trimEnds(raw)) out.push(joined);
    for (const word of joined.includes('-') ? [joined, ...words(raw)] : []) {
      for (const part of word.split('-').slice(1)) {
        const p = trimEnds(part);
        if (p.length >= 2 && /\p{L}/u.test(p)) out.push(p);
      }
    }
  }
  return [...new Set(out)];
}

export const phoneDigits = (phone: string): string => phone.replace(/\D/g, '');
export const postalTerm = (postal: string): string => normalizeTerm(postal).replace(/[\s-]/g, '');

export interface SearchableOrder {
  orderNumber: string;
  email: string;
  addresses: readonly {
    firstName: string; lastName: string; company?: string | undefined; line1: string; line2?: string | undefined;
    city: string; postalCode?: string | undefined; country: string; phone?: string | undefined;
  }[];
  skus: readonly string[];
  tags: readonly string[];
  customFields: Readonly<Record<string, string>>;
}

/** Every (term, kind) pair an order is found by, de-duplicated. */
export function termsForOrder(o: SearchableOrder): Term[] {
  const seen = new Set<string>();
  const out: Term[] = [];
  const add = (kind: TermKind, term: string) => {
    if (!term) return;
    const key = `${kind}\u0000${term}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ term, kind });
  };
  add('order', normalizeTerm(o.orderNumber));
  add('email', normalizeTerm(o.email));
  // One row per order, so "everyone at acme.com" is an index walk in date order like any exact term.
  add('domain', emailDomainTerm(o.email));
  for (const a of o.addresses) {
    for (const w of indexedWords(`${a.firstName} ${a.lastName}`)) add('name', w);
    if (a.company) add('company', normalizeTerm(a.company));
    if (a.phone) add('phone', phoneDigits(a.phone));
    if (a.postalCode) add('postal', postalTerm(a.postalCode));
    add('country', normalizeTerm(a.country));
    for (const w of indexedWords(`${a.line1} ${a.line2 ?? ''} ${a.city}`)) add('addr', w);
  }
  for (const sku of o.skus) add('sku', normalizeTerm(sku));
  for (const tag of o.tags) add('tag', normalizeTerm(tag));
  for (const [key, value] of Object.entries(o.customFields)) {
    const slot = key.replace('custom', 'cf') as TermKind;
    if (value) add(slot, normalizeTerm(value));
  }
  return out;
}

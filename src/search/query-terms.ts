import { getCountries, getCountryCallingCode } from 'libphonenumber-js';
import { invalid } from '../shared/errors.js';
import type { TermFilter } from './search-sql.js';
import { domainTerm, FREE_TEXT_KINDS, normalizeTerm, phoneDigits, words } from './search-terms.js';

/*
 * How typed text becomes term filters. The stored terms stay one per value (a postcode "sw1a1aa", a phone
 * "442079460018"), and the query side finds them however they were typed: every added stored term costs
 * a row per order, an added reading of a query costs a seek or two.
 */

const CALLING_CODES = [...new Set(getCountries().map((c) => getCountryCallingCode(c)))];

/**
 * Phones are indexed as E.164 digits. A number typed with `+` or `00` is matched exactly; any other is
 * matched as typed and also as a national number under every calling code (trunk 0 dropped), which
 * is how "020 7946 0958" finds +44 20 7946 0958 without a suffix index.
 */
export function phoneCandidates(input: string): string[] {
  const trimmed = input.trim();
  const digits = phoneDigits(trimmed);
  if (digits.length < 3) throw invalid('querystring:/phone', 'needs at least 3 digits');
  if (trimmed.startsWith('+')) return [digits];
  if (digits.startsWith('00')) return [digits.slice(2)];
  const national = digits.replace(/^0+/, '');
  return [...new Set([digits, ...CALLING_CODES.map((cc) => `${cc}${national}`)])];
}

/**
 * "@acme.com" (the @ optional in the email filter): every address at acme.com or one of its subdomains,
 * as one prefix of the reversed domain terms ("com.acme."), which the planner expands into the few
 * domains under it and walks in date order. Only whole labels match: "@acme.com" is not "notacme.com".
 */
export function domainFilter(typed: string, field: string): TermFilter {
  const domain = typed.trim().replace(/^@/, '');
  if (/[\s@]/.test(domain)) throw invalid(`querystring:/${field}`, `"${typed}" is not an email domain`);
  const term = domainTerm(domain);
  if (!/[\p{L}\p{N}]/u.test(term)) throw invalid(`querystring:/${field}`, 'has no domain to search for');
  return { kinds: ['domain'], prefix: term };
}

/** A piece of a phone number as people write one: "+44", "(020)", "7946-0018". */
const PHONE_PIECE = /^\+?[\d().\/-]*\d[\d().\/-]*$/;
const startsPhone = (piece: string) => /^[+0]/.test(piece.replace(/[().\/-]/g, ''));
/** Digits that are a phone number rather than a house number and a ZIP: international, trunk 0, or long. */
const isPhone = (pieces: string[]) => {
  const digits = phoneDigits(pieces.join(''));
  return digits.length >= 7 && digits.length <= 17 && (startsPhone(pieces[0]!) || digits.length >= 10);
};
/** Up to three pieces of a postcode ("sw1a 1aa", "1234 ab", "d02 x285"): short, letters or digits. */
const POSTCODE_PARTS = 3;
const isPostcodePart = (part: string) => /^[\p{L}\p{N}]{1,8}$/u.test(part) && (/\d/.test(part) || part.length <= 3);

/**
 * Free text: every word must begin some term of the order; a word starting with @ is an email domain
 * (domainFilter). Besides its own prefix a word may match as
 * - the end of a postcode written with spaces or dashes ("SW1A 1AA" is stored "sw1a1aa": "sw1a" is its
 *   prefix already, "1aa" also reads "sw1a1aa"), and
 * - part of a phone number: a run of digit groups that looks like one is a single filter, the digits as a
 *   prefix (E.164 as typed) or any international form of a national number (phoneCandidates).
 */
export function freeTextFilters(text: string): TermFilter[] {
  const pieces = normalizeTerm(text).split(/[\s,;]+/).filter(Boolean);
  const out: TermFilter[] = [];
  let postcode: string[] = [];
  for (let i = 0; i < pieces.length;) {
    let end = i;
    while (end < pieces.length && PHONE_PIECE.test(pieces[end]!)) end++;
    const phoneAt = phoneStart(pieces, i, end);
    for (const stop = phoneAt < 0 ? Math.max(end, i + 1) : phoneAt; i < stop; i++) {
      if (pieces[i]!.startsWith('@')) {
        out.push(domainFilter(pieces[i]!, 'q'));
        postcode = [];
        continue;
      }
      for (const word of words(pieces[i]!)) {
        out.push(wordFilter(word, postcode));
        const part = word.replace(/[-.]/g, '');
        postcode = isPostcodePart(part) ? [...postcode, part].slice(-(POSTCODE_PARTS - 1)) : [];
      }
    }
    if (phoneAt >= 0) {
      out.push(phoneFilter(pieces.slice(phoneAt, end).join(' ')));
      postcode = [];
      i = end;
    }
  }
  if (!out.length) throw invalid('querystring:/q', 'has no letters or digits to search for');
  return out;
}

/** Where in the digit pieces [i, end) a phone number starts, or -1: "Flat 3 020 7946 0018" starts at its trunk 0. */
function phoneStart(pieces: string[], i: number, end: number): number {
  for (let k = i; k < end; k++) if (startsPhone(pieces[k]!) && isPhone(pieces.slice(k, end))) return k;
  return end > i && isPhone(pieces.slice(i, end)) ? i : -1;
}

function wordFilter(word: string, before: readonly string[]): TermFilter {
  const part = word.replace(/[-.]/g, '');
  const readings = new Set([word]);
  if (/\d/.test(part) && /^[\p{L}\p{N}]+$/u.test(part)) readings.add(part);
  if (isPostcodePart(part)) {
    for (let k = 1; k <= before.length; k++) {
      const joined = before.slice(-k).join('') + part;
      if (/\d/.test(joined)) readings.add(joined);
    }
  }
  const [own, ...others] = [...readings];
  // Every prefix reading has the word's kinds: the planner may then merge their expansions (term-expansion.ts).
  return { kinds: FREE_TEXT_KINDS, prefix: own!, ...(others.length ? { or: others.map((prefix) => ({ kinds: FREE_TEXT_KINDS, prefix })) } : {}) };
}

function phoneFilter(typed: string): TermFilter {
  const digits = phoneDigits(typed);
  const international = phoneCandidates(typed).filter((c) => c !== digits);
  return { kinds: FREE_TEXT_KINDS, prefix: digits, ...(international.length ? { or: [{ kinds: ['phone'], exact: international }] } : {}) };
}

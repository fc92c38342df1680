/**
 * Card numbers (PAN) never enter Orderdeck outside the vault. This finds any sequence of 13–19 digits in
 * free text that could be a real card number, allowing the spaces and dashes people type (or paste)
 * between digit groups: Luhn-valid, and of a length some card brand issues under its leading digits
 * (shared/card-brands.ts, the vault's own table). Why the brand test: one random number in ten passes
 * Luhn, so digit groups in everyday text (a USPS tracking number "9400 7016 8773 1322 8171 80", the
 * digits of an e-mail address, an address line) were refused; no brand issues numbers starting with 9
 * or 1, a Visa has 13, 16 or 19 digits, and so on, which leaves real card numbers found and most such
 * text alone.
 *
 * How: the text is split into runs of digit groups joined by a single space or dash ("ref 99 4111 1111
 * 1111 1111 12/26" holds the run "99 4111 1111 1111 1111 12"), and within a run every contiguous
 * sequence of whole groups holding 13–19 digits is a candidate, tested with Luhn. Why whole groups: a
 * card number written next to other numbers (a reference before it, an expiry or security code after
 * it) is found, while one long continuous number (a 22-digit tracking number) is never cut into windows
 * and refused for a card number it only happens to contain. Cost: this runs on every request body, so
 * it is one pass, linear in the text whatever its shape: a candidate has at most 19 digits, so at most 7
 * candidates end at any group (13–19 digits back), and each is tested in constant time (see scan()).
 *
 * A sequence whose first digit is 0 is not a candidate: no card brand issues numbers starting with 0
 * (ISO/IEC 7812 major industry identifier 0 is not a payment industry), while international phone
 * numbers written with the 00 prefix ("0044 20 7946 0018") often are 13–19 digits, a tenth of them
 * Luhn-valid. The sequences of such a run starting at a later group are still tested, so a card
 * number written after a 0-group ("0044 4111 1111 1111 1111") is found.
 */
import { brandIssues } from './card-brands.js';

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

/** A possible card number (Luhn-valid, a length its brand issues): `text.slice(start, end)` is the number as written, `digits` the number alone. */
export interface CardNumberSpan {
  start: number;
  end: number;
  digits: string;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Stretches of digits and separators starting with a digit; the runs are cut out of them below. The one
 * character that may join two groups is a space or a dash, including those pasted from documents (tab,
 * non-breaking and thin spaces, non-breaking hyphen, en dash). One only, so that numbers merely listed
 * near each other ("2024-05-01 - 2024-06-30") do not join into a card number they only add up to. A
 * single-class loop: no backtracking state per character, so it is fast and does not overflow the
 * regular expression stack on a long input, as a pattern repeating "separator, digits" does.
 */
const DIGIT_STRETCH = /\d[\d \t\u00a0\u2009\u202f\u2011\u2013-]*/g;
const RING = 32; // > MAX_DIGITS + 1: holds every group a sequence ending at the current one can start at
const SLOT = RING - 1;
// Scratch per group of the current run (slot k & SLOT); scan() is synchronous and never re-entered.
const groupStartChar = new Int32Array(RING);
const groupStartsWithZero = new Uint8Array(RING);
/** Over the run's digits before the group: their count, and their Luhn sums (mod 10) doubling even / odd positions. */
const digitsBefore = new Int32Array(RING);
const sumBeforeEven = new Int32Array(RING);
const sumBeforeOdd = new Int32Array(RING);

/** The first four digits of the run in `stretch` from `from` on, as a number (separators skipped). */
function prefix4(stretch: string, from: number): number {
  let prefix = 0;
  for (let i = from, taken = 0; taken < 4; i++) {
    const c = stretch.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      prefix = prefix * 10 + c - 48;
      taken++;
    }
  }
  return prefix;
}

/**
 * Calls `found(start, end)` for every possible card number made of whole groups (13–19 digits, the first
 * not a 0, Luhn-valid, a length some brand issues under its first four digits), in order of where it
 * ends; stops early when `found` returns true. The brand look-up is made only for the one candidate in
 * ten that passes Luhn, so it adds next to nothing to the walk.
 *
 * Digits are numbered from the run's start; the Luhn sum of digits [a, b) doubles those at b's parity.
 * Two running sums (one doubling even positions, one odd) give any sequence's sum as one subtraction,
 * and a pointer that only moves forward marks the first group within 19 digits of the current group's
 * end: each group costs the (at most 7) sequences of 13–19 digits ending with it, whatever the run.
 */
function scan(text: string, found: (start: number, end: number) => boolean): void {
  for (const match of text.matchAll(DIGIT_STRETCH)) {
    const stretch = match[0];
    if (stretch.length < MIN_DIGITS) continue; // separators included, so fewer digits than that
    const offset = match.index;
    const n = stretch.length;
    let inRun = false;
    let k = 0; // the current group of the run
    let lo = 0; // the first group that can start a sequence ending at the current group
    let digits = 0;
    let even = 0;
    let odd = 0;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? stretch.charCodeAt(i) : -1;
      if (c >= 48 && c <= 57) {
        if (!inRun) {
          inRun = true;
          k = lo = digits = even = odd = 0;
          groupStartChar[0] = i;
          groupStartsWithZero[0] = c === 48 ? 1 : 0;
          digitsBefore[0] = sumBeforeEven[0] = sumBeforeOdd[0] = 0;
        }
        const d = c - 48;
        const doubled = d > 4 ? d * 2 - 9 : d * 2;
        if ((digits & 1) === 0) {
          even += doubled;
          odd += d;
        } else {
          even += d;
          odd += doubled;
        }
        digits++;
        continue;
      }
      if (!inRun) continue; // a second separator in a row
      // Group k ends at i, after `digits` digits of the run.
      const sum = ((digits & 1) === 0 ? even : odd) % 10;
      while (lo <= k && digits - digitsBefore[lo & SLOT]! > MAX_DIGITS) lo++;
      for (let f = lo; f <= k; f++) {
        const slot = f & SLOT;
        const length = digits - digitsBefore[slot]!;
        if (length < MIN_DIGITS) break;
        if (groupStartsWithZero[slot]) continue;
        const before = (digits & 1) === 0 ? sumBeforeEven[slot]! : sumBeforeOdd[slot]!;
        if (sum !== before || !brandIssues(prefix4(stretch, groupStartChar[slot]!), length)) continue;
        if (found(offset + groupStartChar[slot]!, offset + i)) return;
      }
      // One separator followed by a digit joins the next group to the run; anything else ends it.
      const next = i + 1 < n ? stretch.charCodeAt(i + 1) : -1;
      if (next >= 48 && next <= 57) {
        k++;
        const slot = k & SLOT;
        groupStartChar[slot] = i + 1;
        groupStartsWithZero[slot] = next === 48 ? 1 : 0;
        digitsBefore[slot] = digits;
        sumBeforeEven[slot] = even % 10;
        sumBeforeOdd[slot] = odd % 10;
      } else {
        inRun = false;
      }
    }
  }
}

/** Every possible card number made of whole digit groups (13–19 digits) in `text`; they may overlap ("12 4111…" can hold two). */
export function cardNumberSpans(text: string): CardNumberSpan[] {
  const spans: CardNumberSpan[] = [];
  if (text.length >= MIN_DIGITS) {
    scan(text, (start, end) => {
      spans.push({ start, end, digits: text.slice(start, end).replace(/\D/g, '') });
      return false;
    });
  }
  return spans;
}

export function containsCardNumber(text: string): boolean {
  if (text.length < MIN_DIGITS) return false;
  let hit = false;
  scan(text, () => (hit = true));
  return hit;
}

/** `text` with every card number in it (as written, separators included) replaced by `mask`; for log lines. */
export function redactCardNumbers(text: string, mask = '[card number]'): string {
  const spans = cardNumberSpans(text);
  if (!spans.length) return text;
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let copied = 0;
  for (const { start, end } of spans) {
    if (start >= copied) {
      out += text.slice(copied, start) + mask;
      copied = end;
    } else if (end > copied) {
      copied = end; // overlaps the span just masked: one mask covers both
    }
  }
  return out + text.slice(copied);
}

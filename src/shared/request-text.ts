import { containsCardNumber } from './card-number.js';
import { AppError } from './errors.js';

/**
 * What text a request may not carry, looked for in one walk over the whole value (a JSON body, the query
 * string, the path parameters), since every request pays for it:
 * - a card number, anywhere but the card vault (card-number.ts);
 * - a control character: C0 (U+0000–U+001F) except tab, line feed and carriage return, which multi-line
 *   text legitimately holds; DEL (U+007F); C1 (U+0080–U+009F), which in practice is text decoded with the
 *   wrong code page. They are invisible, PostgreSQL cannot store U+0000 at all, and each is a way to corrupt
 *   a CSV export, a log line, a label or an email built from the text. Fields that must be one line refuse
 *   tab and line breaks in their own schema (SINGLE_LINE in schemas.ts);
 * - an unpaired UTF-16 surrogate (a JSON "\ud800" escape): not a character, and not encodable as UTF-8.
 * Object keys are checked only when asked (`keys`): a query string's names are free text and part of
 * the URL, while a JSON body's keys are names its schema fixes (an unknown one is refused as such), and
 * reading them too added about a third to the walk of an order. A fault in a key is reported at the
 * object holding it, so the answer does not repeat it.
 */

/** Deeper than any request Orderdeck takes: a recursive walk of thousands of levels would exhaust the stack (a 500). */
export const MAX_BODY_DEPTH = 64;

/**
 * With the u flag a surrogate range matches only a surrogate that is not half of a pair, but such a
 * pattern ran markedly slower on short strings; so every string is first tested without it (where any
 * surrogate matches), and only one holding a refused control or an astral character (an emoji) is
 * searched precisely.
 */
const SUSPECT_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/;
const REFUSED_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/u;

export type TextFault =
  | { kind: 'card_number' }
  | { kind: 'control_character' | 'lone_surrogate'; codeUnit: number };

export interface TextChecks {
  cardNumbers: boolean;
  characters: boolean;
  keys?: boolean;
}

const CARD_NUMBER: TextFault = { kind: 'card_number' };
const EVERYTHING: TextChecks = { cardNumbers: true, characters: true, keys: true };

export function findTextFault(text: string, checks: TextChecks = EVERYTHING): TextFault | undefined {
  if (checks.cardNumbers && containsCardNumber(text)) return CARD_NUMBER;
  if (!checks.characters || !SUSPECT_CHARACTER.test(text)) return undefined;
  const at = text.search(REFUSED_CHARACTER);
  if (at < 0) return undefined;
  const codeUnit = text.charCodeAt(at);
  return { kind: codeUnit >= 0xd800 ? 'lone_surrogate' : 'control_character', codeUnit };
}

export interface RefusedText {
  /** JSON pointer of the string (or of the object whose key) at fault; "/" for the value itself. */
  field: string;
  fault: TextFault;
}

/**
 * The first string (or integer, for a card number: a PAN sent as a JSON number is still a PAN) at fault
 * in any JSON-like value. The path is kept as a stack and joined only for the answer, so a clean value
 * costs no string building. A value nested more than MAX_BODY_DEPTH levels is a validation error naming
 * where the limit was crossed.
 */
export function findRefusedText(value: unknown, checks: TextChecks = EVERYTHING): RefusedText | undefined {
  const path: (string | number)[] = [];
  const fault = walk(value, path, 0, checks);
  return fault ? { field: pointer(path), fault } : undefined;
}

/** The path of the first card number in `value`, or undefined; control characters are not looked for. */
export function findCardNumber(value: unknown): string | undefined {
  return findRefusedText(value, { cardNumbers: true, characters: false, keys: true })?.field;
}

/** On a fault `path` is left as it was there (the caller reads it); otherwise as it was on entry. */
function walk(value: unknown, path: (string | number)[], depth: number, checks: TextChecks): TextFault | undefined {
  if (typeof value === 'string') return findTextFault(value, checks);
  if (typeof value === 'number') {
    return checks.cardNumbers && Number.isInteger(value) && containsCardNumber(String(value)) ? CARD_NUMBER : undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  if (depth >= MAX_BODY_DEPTH) {
    throw new AppError('validation_failed', `the value is nested more than ${MAX_BODY_DEPTH} levels deep`, { field: pointer(path) });
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const fault = walk(value[i], path, depth + 1, checks);
      if (fault) return fault;
      path.pop();
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const inKey = checks.keys ? findTextFault(key, checks) : undefined;
    if (inKey) return inKey;
    path.push(key);
    const fault = walk(record[key], path, depth + 1, checks);
    if (fault) return fault;
    path.pop();
  }
  return undefined;
}

/** As Ajv writes an instancePath, so a refusal here names a field as a schema error would. */
function pointer(path: readonly (string | number)[]): string {
  if (!path.length) return '/';
  let out = '';
  for (const step of path) out += `/${typeof step === 'number' ? step : step.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return out;
}

/**
 * Card numbers (PAN) never enter Orderdeck outside the vault. This finds any Luhn-valid run of 13–19
 * digits, allowing the spaces and dashes people type between digit groups, in free text.
 */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

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

export function containsCardNumber(text: string): boolean {
  if (text.length < 13) return false;
  for (const match of text.matchAll(DIGIT_RUN)) {
    const digits = match[0].replace(/[ -]/g, '');
    // A whole run of 13–19 digits is a candidate; longer runs are other identifiers (tracking numbers).
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

/**
 * Walks any JSON-like value and returns the path of the first string holding a card number, or
 * undefined. Numbers are checked too: a PAN sent as a JSON number is still a PAN.
 */
export function findCardNumber(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return containsCardNumber(value) ? path || '/' : undefined;
  if (typeof value === 'number') return Number.isInteger(value) && containsCardNumber(String(value)) ? path || '/' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findCardNumber(value[i], `${path}/${i}`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const hit = findCardNumber(inner, `${path}/${key}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

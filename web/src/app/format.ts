/** Digits after the decimal point for a currency (2 for USD, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Money arrives as integer minor units with an ISO 4217 currency; the currency decides the decimals. */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** Short money for chart axes and tight spaces: "$1.2K", "¥350K". */
export function formatMoneyCompact(minor: number, currency: string, locale?: string): string {
  const major = minor / 10 ** minorDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(major);
}

/** What a typed amount is: its minor units, or why it is not an amount (a message naming the form expected). */
export type MoneyInput = { minor: number } | { problem: string };

// Digits with an optional point and decimals; commas only between groups of three ("1,234.56").
const AMOUNT = /^(-?)(\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(?:\.(\d+))?$/;

/**
 * Reads an amount typed by a user ("12.50", "1,234.56", "400") into minor units of the currency. A
 * comma is only a thousands separator; "120,50", "1,2,3" or "12.3.4" are refused rather than guessed,
 * and so are more decimals than the currency has (JPY 0, USD 2, KWD 3): nothing is rounded.
 */
export function readMoney(text: string, currency: string): MoneyInput {
  let digits: number;
  try {
    digits = minorDigits(currency);
  } catch {
    return { problem: `Not a currency: ${currency}` };
  }
  const typed = text.trim();
  const example = digits ? `1,234.${'5'.padEnd(digits, '0')}` : '1,234';
  if (!typed) return { problem: `Enter an amount in ${currency}, e.g. ${example}` };
  const m = AMOUNT.exec(typed);
  if (!m) {
    const commaDecimal = /^(-?\d+),(\d+)$/.exec(typed);
    if (commaDecimal && commaDecimal[2]!.length <= digits) return { problem: `Not an amount in ${currency}: use a point for decimals: ${commaDecimal[1]}.${commaDecimal[2]}` };
    const hint = digits ? `digits with a point for decimals, commas only between thousands, e.g. ${example}` : `whole ${currency} without decimals, commas only between thousands, e.g. ${example}`;
    return { problem: `Not an amount in ${currency}: use ${hint}` };
  }
  const [, sign, whole = '', fraction = ''] = m;
  if (fraction.length > digits) {
    return { problem: digits ? `Not an amount in ${currency}: at most ${digits} decimals (${currency} has no smaller unit)` : `Not an amount in ${currency}: ${currency} has no decimals` };
  }
  const minor = Number(`${whole.replace(/,/g, '') || '0'}${fraction.padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(minor)) return { problem: `Not an amount in ${currency}: too large` };
  return { minor: sign && minor ? -minor : minor };
}

/** readMoney's minor units, or null when the text is not an amount (readMoney says why). */
export function parseMoney(text: string, currency: string): number | null {
  const read = readMoney(text, currency);
  return 'minor' in read ? read.minor : null;
}

/** Instants are UTC on the wire and shown in the user's own time zone. */
export function formatInstant(iso: string | null | undefined, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
}

/** A calendar day as the API sends it (`YYYY-MM-DD`, no time zone): shown as that same day everywhere. */
export function formatDay(day: string, options: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' }): string {
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

export const formatCount = (n: number): string => new Intl.NumberFormat().format(n);

/** Counts in narrow places (navigation badges): exact up to 99,999, then "123K", "1.2M". */
export const formatCountShort = (n: number): string =>
  n < 100_000 ? formatCount(n) : new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long something has waited, coarse enough to read at a glance: "3 min", "5 h 20 min", "2 d 4 h", "41 days". */
export function formatDuration(ms: number): string {
  if (ms < MINUTE) return 'under a minute';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) {
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    return minutes ? `${Math.floor(ms / HOUR)} h ${minutes} min` : `${Math.floor(ms / HOUR)} h`;
  }
  if (ms < 7 * DAY) {
    const hours = Math.floor((ms % DAY) / HOUR);
    return hours ? `${Math.floor(ms / DAY)} d ${hours} h` : `${Math.floor(ms / DAY)} d`;
  }
  return `${formatCount(Math.floor(ms / DAY))} days`;
}

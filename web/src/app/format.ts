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

/** Parses "12.50" typed by a user into minor units for the currency; null when it is not a number. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const cleaned = text.trim().replace(/[^0-9.-]/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 10 ** digits);
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

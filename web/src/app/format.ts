/** Money arrives as integer minor units with an ISO 4217 currency; the currency decides the decimals. */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** Parses "12.50" typed by a user into minor units for the currency; null when it is not a number. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const cleaned = text.trim().replace(/[^0-9.-]/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 10 ** digits);
}

/** Instants are UTC on the wire and shown in the user's own time zone. */
export function formatInstant(iso: string | null | undefined, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
}

export const formatCount = (n: number): string => new Intl.NumberFormat().format(n);

/**
 * Money is an integer count of the currency's minor units plus its ISO 4217 code. Rounding happens
 * only in `roundHalfEven` so every computed amount (discounts, tax shares) rounds the same way.
 */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
const minorDigitsCache = new Map<string, number>();

export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

/** Decimal places of the currency's minor unit: 2 for USD, 0 for JPY, 3 for KWD. */
export function minorUnitDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorDigitsCache.set(currency, digits);
  }
  return digits;
}

const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(amountMinor: number, currency: string, locale = 'en-US'): string {
  const digits = minorUnitDigits(currency);
  // Building a NumberFormat costs far more than formatting with one; history lines format money on hot paths.
  const key = `${locale} ${currency}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return format.format(amountMinor / 10 ** digits);
}

/** Banker's rounding of a fractional minor-unit amount, so repeated splits do not drift in one direction. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (Math.abs(diff - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(value);
}

export const MAX_AMOUNT_MINOR = 1e13; // far beyond any real order, well within Number's exact range

import { isIP } from 'node:net';
import { parsePhoneNumberFromString, type CountryCode as PhoneCountry } from 'libphonenumber-js';
import { isCountry } from '../shared/countries.js';
import { AppError, invalid } from '../shared/errors.js';
import { isCurrency } from '../shared/money.js';
import type { AddressInput } from './orders.schemas.js';

/** An address as stored: trimmed, country checked, phone in E.164. */
export type Address = AddressInput;

export function normalizeAddress(input: AddressInput, field: string): Address {
  if (!isCountry(input.country)) throw invalid(`${field}/country`, `"${input.country}" is not an ISO 3166-1 alpha-2 country code`);
  const out: Address = {
    firstName: input.firstName.trim(),
    lastName: input.lastName.trim(),
    line1: input.line1.trim(),
    city: input.city.trim(),
    country: input.country,
  };
  if (!out.firstName && !out.lastName) throw invalid(`${field}/lastName`, 'a name is required');
  if (!out.line1) throw invalid(`${field}/line1`, 'the first address line is required');
  if (!out.city) throw invalid(`${field}/city`, 'the city is required');
  if (input.company?.trim()) out.company = input.company.trim();
  if (input.line2?.trim()) out.line2 = input.line2.trim();
  if (input.region?.trim()) out.region = input.region.trim();
  if (input.postalCode?.trim()) out.postalCode = input.postalCode.trim().toUpperCase();
  if (input.phone?.trim()) out.phone = normalizePhone(input.phone, input.country, `${field}/phone`);
  return out;
}

export function normalizePhone(phone: string, country: string, field: string): string {
  const parsed = parsePhoneNumberFromString(phone, country as PhoneCountry);
  if (!parsed || !parsed.isPossible()) throw invalid(field, `"${phone}" is not a possible phone number for ${country}`);
  return parsed.number;
}

export function assertCurrency(code: string, field = '/currency'): void {
  if (!isCurrency(code)) throw invalid(field, `"${code}" is not an ISO 4217 currency code`);
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The customer's IP as stored: an IPv4 or IPv6 address, or null. It is shown to staff and matched by the
 * fraud rules, so free text (markup, host names) is refused; a blank value is what a storefront sends
 * when it does not know the address.
 */
export function normalizeIp(ip: string | undefined, field = '/customer/ip'): string | null {
  const value = ip?.trim();
  if (!value) return null;
  if (!isIP(value)) throw invalid(field, `"${value}" is not an IPv4 or IPv6 address`);
  return value;
}

export function assertExpectedTotal(expected: number | undefined, actual: number): void {
  if (expected !== undefined && expected !== actual) {
    throw new AppError('totals_mismatch', `expectedTotal ${expected} does not match the computed total ${actual}`, { field: '/expectedTotal' });
  }
}

/** Custom fields are stored only when non-empty, keyed custom1 … custom10. */
export function cleanCustomFields(input: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input ?? {})) if (value !== undefined && value.trim() !== '') out[key] = value.trim();
  return out;
}

/**
 * An edit's custom fields merged into those stored: a field given replaces that one (null or blank clears
 * it), fields not given are kept. Why not replace the whole set: an integration that sets one field (a PO
 * number) must not wipe the others other systems or staff wrote.
 */
export function mergeCustomFields(stored: Readonly<Record<string, string>>, edit: Record<string, string | null | undefined>): Record<string, string> {
  const out = { ...stored };
  for (const [key, value] of Object.entries(edit)) {
    if (value === undefined) continue;
    const trimmed = value?.trim();
    if (trimmed) out[key] = trimmed;
    else delete out[key];
  }
  return out;
}

/**
 * What tags are compared by: "VIP" and "vip" are one tag. NFC first, so an accent typed as one character
 * or as a letter and a combining mark is the same tag too. The search index folds further (search-terms.ts).
 */
export const tagKey = (tag: string): string => tag.normalize('NFC').toLowerCase();

/** Trimmed, blanks dropped, one of each tag whatever its case: the spelling that comes first is kept. */
export function cleanTags(tags: readonly string[] | undefined): string[] {
  const byKey = new Map<string, string>();
  for (const tag of tags ?? []) {
    const trimmed = tag.trim();
    if (trimmed && !byKey.has(tagKey(trimmed))) byKey.set(tagKey(trimmed), trimmed);
  }
  return [...byKey.values()];
}

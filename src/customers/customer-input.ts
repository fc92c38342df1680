import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalizeAddress, normalizeEmail, normalizePhone } from '../orders/order-input.js';
import { AppError, invalid } from '../shared/errors.js';
import type { CustomerFields } from './customers.mapper.js';

/**
 * Normalises a customer as a whole (create, or the merged result of an update): email lowercased so
 * order intake finds the same customer, addresses checked, phone in E.164.
 */
export function normalizeCustomer(f: CustomerFields): CustomerFields {
  const billing = f.billing ? normalizeAddress(f.billing, '/billing') : null;
  const shipping = f.shipping ? normalizeAddress(f.shipping, '/shipping') : null;
  const phone = f.phone?.trim() ? normalizeCustomerPhone(f.phone, billing?.country ?? shipping?.country) : null;
  return {
    email: normalizeEmail(f.email), firstName: f.firstName.trim(), lastName: f.lastName.trim(),
    company: f.company?.trim() || null, phone, billing, shipping,
  };
}

/**
 * A national number means nothing without its country, which only an address can supply; with no
 * address on file we accept only international (+…) numbers rather than guess.
 */
export function normalizeCustomerPhone(phone: string, country: string | undefined): string {
  if (country) return normalizePhone(phone, country, '/phone');
  if (!phone.trim().startsWith('+')) {
    throw invalid('/phone', `"${phone}" needs its country code (+…) when the customer has no address to take the country from`);
  }
  const parsed = parsePhoneNumberFromString(phone);
  if (!parsed || !parsed.isPossible()) throw invalid('/phone', `"${phone}" is not a possible phone number`);
  return parsed.number;
}

export const duplicateEmail = (email: string) =>
  new AppError('conflict', `a customer with email "${email}" already exists`, { field: '/email' });

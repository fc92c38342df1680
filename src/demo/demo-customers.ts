import type { Address } from '../orders/order-input.js';
import type { CountryPool, DemoPools } from './demo-pools.js';
import { mixSeed, Rng } from './random.js';

export interface DemoCustomer {
  email: string;
  country: CountryPool;
  billing: Address;
  billingJson: string;
  isBusiness: boolean;
}

// Reserved example domains (RFC 2606): demo orders must never lead to mail reaching a real person.
const DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com', 'shop.example.net'];
const NO_SALES_TAX = new Set(['OR', 'MT', 'NH', 'DE', 'AK']);

const asciiLocal = (s: string) => s.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();

/**
 * Builds an address the way normalizeAddress stores one (same keys, same order), so its JSON is
 * byte-for-byte what the order writer would have saved.
 */
export function demoAddress(rng: Rng, c: CountryPool, withCompany: boolean): Address {
  const place = rng.pick(c.places);
  const out: Address = {
    firstName: rng.pick(c.firstNames),
    lastName: rng.pick(c.lastNames),
    line1: rng.pick(c.streets),
    city: place.city,
    country: c.code,
  };
  if (withCompany) out.company = rng.pick(c.companies);
  if (rng.chance(0.2)) out.line2 = rng.pick(c.line2s);
  if (place.region) out.region = place.region;
  out.postalCode = place.postalCode;
  if (rng.chance(0.85)) out.phone = c.phone(rng);
  return out;
}

function pickCountry(rng: Rng, countries: readonly CountryPool[]): CountryPool {
  let x = rng.int(1000);
  for (const c of countries) {
    x -= c.weight;
    if (x < 0) return c;
  }
  return countries[0]!;
}

/**
 * Customer number k always yields the same person, so repeat buyers (and later seed runs) reuse the
 * same e-mail and address without keeping hundreds of thousands of customers in memory.
 */
export function demoCustomer(pools: DemoPools, seed: number, k: number): DemoCustomer {
  const rng = new Rng(mixSeed(seed, k));
  const country = pickCountry(rng, pools.countries);
  const isBusiness = rng.chance(0.1);
  const billing = demoAddress(rng, country, isBusiness);
  const local = `${asciiLocal(billing.firstName)}.${asciiLocal(billing.lastName)}`.replace(/^\.|\.$/g, '') || 'customer';
  return { email: `${local}${k}@${DOMAINS[k % DOMAINS.length]}`, country, billing, billingJson: JSON.stringify(billing), isBusiness };
}

export function taxRateFor(c: DemoCustomer): number {
  if (c.country.code === 'US' && c.billing.region && NO_SALES_TAX.has(c.billing.region)) return 0;
  return c.country.taxRate;
}

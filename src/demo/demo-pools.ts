import {
  type Faker, fakerDE, fakerDE_AT, fakerEN_AU, fakerEN_CA, fakerEN_GB, fakerEN_IE, fakerEN_US, fakerES, fakerES_MX, fakerFR, fakerIT, fakerJA, fakerNL,
} from '@faker-js/faker';
import type { Rng } from './random.js';

/**
 * Everything the order generator picks from, built once per run with a seeded faker. Faker costs
 * ~20 µs a call, so a million orders draw from these pools instead of calling it per field.
 */
export interface Place {
  city: string;
  postalCode: string;
  region: string | undefined;
}

export interface CountryPool {
  code: string;
  currency: 'USD' | 'EUR' | 'GBP' | 'JPY';
  /** Share of customers, in per mille. */
  weight: number;
  /** Sales tax / VAT rate applied to line values (and to shipping outside the US). */
  taxRate: number;
  firstNames: string[];
  lastNames: string[];
  streets: string[];
  line2s: string[];
  places: Place[];
  companies: string[];
  /** An E.164 number that libphonenumber accepts as possible for the country (mostly fictional ranges). */
  phone: (rng: Rng) => string;
}

export interface CatalogEntry {
  sku: string;
  description: string;
  /** USD cents; other currencies are converted per order line. */
  priceUsd: number;
  weightGrams: number;
  shippable: boolean;
  preorder: boolean;
  expectedDate: string | null;
}

export interface DemoPools {
  countries: CountryPool[];
  catalog: CatalogEntry[];
  /** Indexes into `catalog`, split so a scenario can ask for a pre-order or a digital item on purpose. */
  regularSkus: number[];
  digitalSkus: number[];
  preorderSkus: number[];
}

const digits = (rng: Rng, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.int(10);
  return s;
};
const US_AREAS = [201, 202, 206, 212, 213, 305, 312, 404, 415, 503, 512, 602, 617, 702, 713, 718, 801, 808, 917, 954];

// [code, currency, weight ‰, tax rate, faker, phone]; US-heavy like a typical US merchant.
const COUNTRIES: [string, CountryPool['currency'], number, number, Faker, (rng: Rng) => string][] = [
  ['US', 'USD', 715, 0.07, fakerEN_US, (r) => `+1${r.pick(US_AREAS)}55501${digits(r, 2)}`],
  ['CA', 'USD', 40, 0.13, fakerEN_CA, (r) => `+1${r.pick([416, 604, 514, 403])}55501${digits(r, 2)}`],
  ['AU', 'USD', 15, 0.1, fakerEN_AU, (r) => `+612${digits(r, 8)}`],
  ['MX', 'USD', 10, 0.16, fakerES_MX, (r) => `+5255${digits(r, 8)}`],
  ['GB', 'GBP', 75, 0.2, fakerEN_GB, (r) => `+4420794600${digits(r, 2)}`],
  ['DE', 'EUR', 45, 0.19, fakerDE, (r) => `+4930${digits(r, 8)}`],
  ['FR', 'EUR', 30, 0.2, fakerFR, (r) => `+331${digits(r, 8)}`],
  ['NL', 'EUR', 15, 0.21, fakerNL, (r) => `+3120${digits(r, 7)}`],
  ['IT', 'EUR', 10, 0.22, fakerIT, (r) => `+3906${digits(r, 8)}`],
  ['ES', 'EUR', 10, 0.21, fakerES, (r) => `+3491${digits(r, 7)}`],
  ['IE', 'EUR', 5, 0.23, fakerEN_IE, (r) => `+3531${digits(r, 7)}`],
  ['AT', 'EUR', 5, 0.2, fakerDE_AT, (r) => `+431${digits(r, 7)}`],
  ['JP', 'JPY', 25, 0.1, fakerJA, (r) => `+813${digits(r, 8)}`],
];
const REGION_COUNTRIES = new Set(['US', 'CA', 'AU', 'MX']);
const POOL = 150;

function times<T>(n: number, make: () => T): T[] {
  return Array.from({ length: n }, make);
}

function countryPool([code, currency, weight, taxRate, faker, phone]: (typeof COUNTRIES)[number], seed: number): CountryPool {
  faker.seed(seed);
  return {
    code, currency, weight, taxRate, phone,
    firstNames: times(POOL, () => faker.person.firstName()),
    lastNames: times(POOL, () => faker.person.lastName()),
    streets: times(POOL * 2, () => faker.location.streetAddress()),
    line2s: times(40, () => faker.location.secondaryAddress()),
    places: times(POOL, () => ({
      city: faker.location.city(),
      postalCode: faker.location.zipCode().trim().toUpperCase(), // stored upper-case, as normalizeAddress does
      region: REGION_COUNTRIES.has(code) ? faker.location.state({ abbreviated: true }) : undefined,
    })),
    companies: times(60, () => faker.company.name()),
  };
}

const CATEGORIES = ['APP', 'HOM', 'KIT', 'OUT', 'TOY', 'BKS', 'ELC', 'GRD', 'SPT', 'BTY', 'PET', 'OFF'];

function buildCatalog(size: number, seed: number, now: number, rng: Rng): CatalogEntry[] {
  const faker = fakerEN_US;
  faker.seed(seed + 1);
  const out: CatalogEntry[] = [];
  for (let i = 0; i < size; i++) {
    const digital = i % 25 === 7; // ~4 %: e-books, gift cards, licences (nothing to ship)
    const preorder = !digital && i % 100 === 42; // ~1 %: announced, not yet in stock
    const base = Math.exp(rng.float() * 4.2 + 6.2); // log-normal-ish: $5 … $330
    out.push({
      sku: `${CATEGORIES[i % CATEGORIES.length]}-${String(10000 + i).slice(1)}${digital ? '-D' : ''}`,
      description: digital ? `${faker.commerce.productName()} (digital)` : faker.commerce.productName(),
      priceUsd: Math.round(base / 100) * 100 - 1,
      weightGrams: digital ? 0 : 50 + rng.int(5000),
      shippable: !digital,
      preorder,
      expectedDate: preorder ? new Date(now + (20 + rng.int(100)) * 86_400_000).toISOString().slice(0, 10) : null,
    });
  }
  return out;
}

export function buildDemoPools(seed: number, now: number, rng: Rng, catalogSize = 3000): DemoPools {
  const countries = COUNTRIES.map((c, i) => countryPool(c, seed * 31 + i));
  const catalog = buildCatalog(catalogSize, seed, now, rng);
  const indexes = catalog.map((_, i) => i);
  return {
    countries,
    catalog,
    regularSkus: indexes.filter((i) => catalog[i]!.shippable && !catalog[i]!.preorder),
    digitalSkus: indexes.filter((i) => !catalog[i]!.shippable),
    preorderSkus: indexes.filter((i) => catalog[i]!.preorder),
  };
}

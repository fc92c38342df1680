import { BlockList, isIP } from 'node:net';
import { invalid } from '../shared/errors.js';

/*
 * Every value the fraud rules compare (block lists, velocity signals, exemptions) goes through one of
 * these normalisers, on the way in and on the way out, so "Bob@Example.com" and "bob@example.com", or
 * "::ffff:10.0.0.1" and "10.0.0.1", are the same customer.
 */

export const BLOCK_KINDS = ['ip', 'email', 'card', 'address'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/** The part of an order address the rules look at; the order's Address type fits it. */
export interface AddressLike {
  line1: string;
  line2?: string | undefined;
  postalCode?: string | undefined;
  country: string;
}

/**
 * Lower case, trimmed, and without a "+tag" in the local part: a tag is how one inbox gets endless
 * addresses, which would otherwise walk around a block or a velocity limit.
 */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0) return email;
  const local = email.slice(0, at);
  const plus = local.indexOf('+');
  return plus > 0 ? `${local.slice(0, plus)}${email.slice(at)}` : email;
}

export const emailDomain = (email: string): string => email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();

/** Canonical text of an IP address (IPv6 compressed, IPv4-mapped IPv6 as IPv4), or null if it is not one. */
export function normalizeIp(raw: string): string | null {
  let ip = raw.trim().toLowerCase();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone > 0) ip = ip.slice(0, zone);
  const version = isIP(ip);
  if (version === 4) return ip;
  if (version !== 6) return null;
  const canonical = new URL(`http://[${ip}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** An exact address or a CIDR range ("203.0.113.0/24", "2001:db8::/32"), normalised; null if neither. */
export function normalizeIpRange(raw: string): string | null {
  const slash = raw.indexOf('/');
  if (slash < 0) return normalizeIp(raw);
  const ip = normalizeIp(raw.slice(0, slash));
  const prefixText = raw.slice(slash + 1).trim();
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= (isIP(ip) === 4 ? 32 : 128) ? `${ip}/${prefix}` : null;
}

/** A matcher for a list of normalised addresses and ranges (node's BlockList does the CIDR arithmetic). */
export function ipMatcher(entries: readonly string[]): (ip: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [ip, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(prefix), type);
  }
  return (ip) => list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
}

/** Street words people spell both ways; both spellings give the same address key. */
const STREET_WORDS: Record<string, string> = {
  street: 'st', avenue: 'ave', road: 'rd', boulevard: 'blvd', drive: 'dr', lane: 'ln', court: 'ct',
  place: 'pl', square: 'sq', terrace: 'ter', highway: 'hwy', parkway: 'pkwy', circle: 'cir',
  apartment: 'apt', suite: 'ste', building: 'bldg', floor: 'fl', number: 'no',
  north: 'n', south: 's', east: 'e', west: 'w', strasse: 'str',
};

function normalizeWords(text: string): string {
  return text
    .normalize('NFKD').replace(/\p{M}/gu, '') // "Königstraße" and "Konigstraße" alike
    .toLowerCase().replace(/ß/g, 'ss')
    .split(/[^\p{L}\p{N}]+/u).filter(Boolean)
    .map((word) => STREET_WORDS[word] ?? word)
    .join(' ');
}

/**
 * The key an address is blocked by: country, postal code and street line, each normalised, so spelling
 * "Street" or "St.", case and punctuation do not tell two deliveries to the same door apart. Names, city
 * and the second line are left out on purpose: a fraudster changes the name, not the drop address.
 */
export function addressKey(address: AddressLike): string {
  const postal = (address.postalCode ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  return `${address.country.trim().toUpperCase()}|${postal}|${normalizeWords(address.line1)}`;
}

const ADDRESS_KEY = /^[A-Z]{2}\|[A-Z0-9]*\|[\p{L}\p{N} ]+$/u;
const CARD_FINGERPRINT = /^[A-Za-z0-9_:.-]{8,128}$/;
/** An email address, or "@domain" for every address of a domain. */
export const EMAIL_OR_DOMAIN = /^[^\s@]*@[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * The stored form of a block-list value, or a 400 naming `field`. An email entry of the form
 * "@example.com" blocks the whole domain.
 */
export function normalizeBlockValue(kind: BlockKind, raw: string, field: string): string {
  switch (kind) {
    case 'ip': {
      // A range ("203.0.113.0/24") blocks every address in it; a /32 or /128 is the address itself.
      const entry = normalizeIpRange(raw.trim());
      if (!entry) throw invalid(field, `"${raw}" is neither an IPv4 or IPv6 address nor a CIDR range`);
      const [ip, prefix] = entry.split('/');
      return prefix === undefined || Number(prefix) === (isIP(ip!) === 4 ? 32 : 128) ? ip! : entry;
    }
    case 'email': {
      const email = normalizeEmail(raw);
      if (!EMAIL_OR_DOMAIN.test(email)) throw invalid(field, `"${raw}" is neither an email address nor "@domain"`);
      return email;
    }
    case 'card': {
      const fingerprint = raw.trim();
      if (!CARD_FINGERPRINT.test(fingerprint)) throw invalid(field, 'a card is blocked by its vault fingerprint (8–128 letters, digits, "_", ":", ".", "-")');
      return fingerprint;
    }
    case 'address': {
      // A key typed by hand ("us|94105|1 Market Street") is normalised like one computed from an address.
      const [country = '', postalCode = '', line1 = '', ...rest] = raw.split('|');
      const key = addressKey({ country, postalCode, line1 });
      if (rest.length || !ADDRESS_KEY.test(key)) throw invalid(field, 'an address is blocked by its key "CC|POSTALCODE|street line"; or send "address" instead of "value"');
      return key;
    }
  }
}

const BRAND_NAMES: Record<string, string> = {
  visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB',
  diners: 'Diners Club', unionpay: 'UnionPay',
};

/**
 * A card as a person recognises it on the block list: "Visa ····4242, exp 12/31". Brand, last four and
 * expiry are the parts of a card allowed in clear; nothing more of the number is ever in it.
 */
export function cardLabel(card: { brand: string; last4: string; expMonth: number; expYear: number }): string {
  const brand = BRAND_NAMES[card.brand] ?? 'Card';
  const last4 = /^\d{4}$/.test(card.last4) ? card.last4 : '????';
  return `${brand} ····${last4}, exp ${String(card.expMonth).padStart(2, '0')}/${String(card.expYear % 100).padStart(2, '0')}`;
}

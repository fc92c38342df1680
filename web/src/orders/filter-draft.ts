/**
 * The filter panel edits a draft in the units people type (days in their zone, amounts in the
 * currency's units) and turns it into the API's parameters (UTC instants, minor units) on apply.
 */
import { countryLabel, parseCountry } from './countries';
import {
  CURRENCY_PARAM, DATE_FILTERS, instantToLocalDay, LIST_FILTERS, listValues, localDayToInstant, majorTextToMinor,
  minorToMajorText, MONEY_FILTERS, TEXT_FILTERS,
} from './search-state';

export type Draft = Record<string, string>;
export type DraftLists = Record<string, string[]>;

export const DEFAULT_CURRENCY = 'USD';
export const TOTAL_CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY'];

export function draftFromParams(params: URLSearchParams): { draft: Draft; lists: DraftLists } {
  const draft: Draft = {};
  const currency = params.get(CURRENCY_PARAM) ?? DEFAULT_CURRENCY;
  for (const key of TEXT_FILTERS) draft[key] = params.get(key) ?? '';
  // Shown by name; a code the list does not know stays as it was, for the server to name the problem.
  if (draft.country) draft.country = countryLabel(draft.country.toUpperCase());
  for (const key of DATE_FILTERS) draft[key] = instantToLocalDay(params.get(key));
  for (const key of MONEY_FILTERS) draft[key] = minorToMajorText(params.get(key), currency);
  draft[CURRENCY_PARAM] = currency;
  const lists: DraftLists = {};
  for (const key of LIST_FILTERS) lists[key] = listValues(params, key);
  return { draft, lists };
}

/** URL changes for a draft, or the fields a person must fix first (keyed like the filters). */
export function changesFromDraft(draft: Draft, lists: DraftLists): { changes: Record<string, string | null>; errors: Record<string, string> } {
  const changes: Record<string, string | null> = {};
  const errors: Record<string, string> = {};
  for (const key of TEXT_FILTERS) changes[key] = draft[key]?.trim() || null;

  const country = changes.country;
  if (country) {
    const code = parseCountry(country);
    if (code) changes.country = code;
    else errors.country = 'Pick a country from the list, or type its two-letter code (GB)';
  }
  if (changes.orderId?.startsWith('*')) errors.orderId = 'Start with the beginning of the id; * may follow (OD-10*5)';
  const phone = changes.phone;
  if (phone && phone.replace(/\D/g, '').length < 3) errors.phone = 'At least 3 digits';

  for (const key of DATE_FILTERS) {
    const day = draft[key]?.trim();
    if (!day) { changes[key] = null; continue; }
    const instant = localDayToInstant(day, key.endsWith('To'));
    if (instant) changes[key] = instant;
    else errors[key] = 'Not a date';
  }
  for (const [from, to] of [['createdFrom', 'createdTo'], ['paidFrom', 'paidTo'], ['shippedFrom', 'shippedTo']] as const) {
    if (changes[from] && changes[to] && changes[from]! > changes[to]!) errors[to] = 'Ends before it starts';
  }

  const currency = draft[CURRENCY_PARAM] || DEFAULT_CURRENCY;
  for (const key of MONEY_FILTERS) {
    const text = draft[key]?.trim();
    if (!text) { changes[key] = null; continue; }
    const minor = majorTextToMinor(text, currency);
    if (minor === null) errors[key] = currency === 'JPY' ? 'Whole yen' : `An amount like 25 or 25.50`;
    else changes[key] = String(minor);
  }
  if (changes.totalMin && changes.totalMax && Number(changes.totalMin) > Number(changes.totalMax)) errors.totalMax = 'Less than the minimum';
  changes[CURRENCY_PARAM] = changes.totalMin || changes.totalMax ? currency : null;

  for (const key of LIST_FILTERS) changes[key] = lists[key]?.length ? lists[key]!.join(',') : null;
  return { changes, errors };
}

/** The filter named by an API validation error (`querystring:/email` → `email`). */
export const filterOfProblemField = (field: string | undefined): string | null =>
  field?.startsWith('querystring:/') ? field.slice('querystring:/'.length).split('/')[0] ?? null : null;

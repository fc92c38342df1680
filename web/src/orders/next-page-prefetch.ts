import { api } from '../app/api';
import type { OrderPage } from './types';

/**
 * The next page of the list on screen, fetched while the user reads the current one, so "Next ›" shows it
 * without waiting for the server. One page is held at a time, and only briefly: an order that moved
 * stage since would otherwise still be listed where it was. A keyset page costs the server a few
 * milliseconds, so the extra request per page viewed is cheap.
 */
const FRESH_MS = 10_000;
let held: { key: string; at: number; page: Promise<OrderPage> } | null = null;

/** The same query whatever order its parameters were written in. */
const keyOf = (query: string) => new URLSearchParams([...new URLSearchParams(query)].sort(([a], [b]) => a.localeCompare(b))).toString();

export function prefetchNextPage(query: string, nextCursor: string): void {
  const params = new URLSearchParams(query);
  params.set('cursor', nextCursor);
  const page = api<OrderPage>(`/orders?${params.toString()}`);
  page.catch(() => {}); // a failed prefetch is simply not used: the page is fetched again when asked for
  held = { key: keyOf(params.toString()), at: Date.now(), page };
}

/** The held page for `query` if it is fresh (each is used once); a failed prefetch is fetched again. */
export function takePrefetchedPage(query: string): Promise<OrderPage> | null {
  if (!held || held.key !== keyOf(query) || Date.now() - held.at > FRESH_MS) return null;
  const { page } = held;
  held = null;
  return page.catch(() => api<OrderPage>(`/orders?${query}`));
}

/** After a change to the orders (a move, a reload), a page fetched before it is not shown. */
export function forgetPrefetchedPage(): void {
  held = null;
}

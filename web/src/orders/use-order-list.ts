import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../app/api';
import { forgetPrefetchedPage, prefetchNextPage, takePrefetchedPage } from './next-page-prefetch';
import { learnOrderPrefix } from './search-state';
import type { OrderPage } from './types';

export interface OrderListState {
  page: OrderPage | null;
  /** The query the page shown belongs to; differs from the requested one while loading. */
  pageQuery: string | null;
  loading: boolean;
  error: unknown;
  reload: () => void;
}

/**
 * One page of GET /orders for a query string. A newer query aborts the older request, and the previous
 * page stays on screen (dimmed) until the new one arrives, so paging does not flash an empty table. The
 * page after it is fetched in the background (next-page-prefetch.ts); a reload always asks the server.
 */
export function useOrderList(query: string): OrderListState {
  const [page, setPage] = useState<OrderPage | null>(null);
  const [pageQuery, setPageQuery] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const current = useRef<AbortController | null>(null);

  useEffect(() => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    setLoading(true);
    setError(null);
    // A reload (after an action, or "Try again") has dropped the held page, so it always asks the server.
    (takePrefetchedPage(query) ?? api<OrderPage>(`/orders?${query}`, { signal: controller.signal })).then(
      (data) => {
        if (controller.signal.aborted) return;
        if (data.nextCursor) prefetchNextPage(query, data.nextCursor);
        learnOrderPrefix(data.items[0]?.orderId);
        setPage(data);
        setPageQuery(query);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [query, attempt]);

  const reload = useCallback(() => {
    forgetPrefetchedPage();
    setAttempt((n) => n + 1);
  }, []);
  return { page, pageQuery, loading, error, reload };
}

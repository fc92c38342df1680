import { useCallback, useMemo } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { COLUMNS_PARAM, sortOf, type Sort } from './search-state';

interface PagingState { prev?: string[] }

export interface ListUrl {
  params: URLSearchParams;
  sort: Sort;
  /** Columns named in the URL, or null for the list's defaults. */
  columns: string[] | null;
  /** 1 on the first page; counts pages walked forward from it. */
  pageNumber: number;
  canGoBack: boolean;
  /** Changes filters (null removes one); always back to the first page. */
  update: (changes: Record<string, string | null>) => void;
  /** Replaces the whole search (applying a saved view, clearing, quick search); columns stay unless given. */
  replace: (query: string, columns?: readonly string[] | null) => void;
  setSort: (sort: Sort) => void;
  setColumns: (columns: string[] | null) => void;
  next: (cursor: string) => void;
  previous: () => void;
}

/**
 * The list's URL is its state. Cursors only go forward, so the cursors of earlier pages are kept in
 * the history entry's state: Previous (or the browser's Back) returns to them; a bookmarked later
 * page offers "First page" instead.
 */
export function useListUrl(defaultSort: Sort = 'created_desc'): ListUrl {
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const stack = useMemo(() => (location.state as PagingState | null)?.prev ?? [], [location.state]);

  const go = useCallback((next: URLSearchParams, prev: string[] = [], replace = false) => {
    const search = next.toString();
    void navigate({ pathname: location.pathname, search: search ? `?${search}` : '' }, { state: { prev } satisfies PagingState, replace });
  }, [navigate, location.pathname]);

  return useMemo<ListUrl>(() => ({
    params,
    sort: sortOf(params, defaultSort),
    columns: params.get(COLUMNS_PARAM)?.split(',').filter(Boolean) ?? null,
    pageNumber: stack.length + 1,
    canGoBack: stack.length > 0 || params.has('cursor'),
    update: (changes) => {
      const next = new URLSearchParams(params);
      next.delete('cursor');
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === '') next.delete(key);
        else next.set(key, value);
      }
      go(next);
    },
    replace: (query, columns) => {
      const next = new URLSearchParams(query);
      next.delete('cursor');
      next.delete(COLUMNS_PARAM);
      const cols = columns === undefined ? params.get(COLUMNS_PARAM) : columns?.length ? columns.join(',') : null;
      if (cols) next.set(COLUMNS_PARAM, cols);
      go(next);
    },
    setSort: (sort) => {
      const next = new URLSearchParams(params);
      next.delete('cursor');
      if (sort === defaultSort) next.delete('sort');
      else next.set('sort', sort);
      go(next);
    },
    setColumns: (columns) => {
      const next = new URLSearchParams(params);
      if (columns) next.set(COLUMNS_PARAM, columns.join(','));
      else next.delete(COLUMNS_PARAM);
      go(next, stack, true);
    },
    next: (cursor) => {
      const next = new URLSearchParams(params);
      next.set('cursor', cursor);
      go(next, [...stack, params.get('cursor') ?? '']);
    },
    previous: () => {
      const next = new URLSearchParams(params);
      const prevCursor = stack[stack.length - 1];
      if (prevCursor) next.set('cursor', prevCursor);
      else next.delete('cursor');
      go(next, stack.slice(0, -1));
    },
  }), [params, stack, go, defaultSort]);
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { api, isAbortError } from './api';

export interface ApiData<T> {
  /** The last answer; kept while a reload or a new path loads, so tables do not flicker. */
  data: T | undefined;
  /** The last load failed (data, if any, is from before). */
  error: unknown;
  /** A load is running. */
  loading: boolean;
  /** Loads again; `quiet` keeps `loading` false (background refresh). */
  reload: (quiet?: boolean) => void;
}

export interface ApiDataOptions {
  /** Reload in the background this often while the tab is visible. */
  refreshMs?: number;
  /** Reload in the background when the window regains focus. */
  refreshOnFocus?: boolean;
}

/**
 * GET `path` (relative to /api/v1) and keep the answer; a changed path aborts the previous request.
 * `null` loads nothing. A 401 sends the user to sign-in through api.ts, as every call does.
 */
export function useApiData<T>(path: string | null, { refreshMs, refreshOnFocus = false }: ApiDataOptions = {}): ApiData<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: path !== null });
  const [nonce, setNonce] = useState({ n: 0, quiet: false });
  const controllerRef = useRef<AbortController | null>(null);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    controllerRef.current?.abort();
    controllerRef.current = controller;
    if (!nonce.quiet) setState((s) => ({ ...s, loading: true }));
    api<T>(path, { signal: controller.signal }).then(
      (data) => { if (!controller.signal.aborted) setState({ data, error: null, loading: false }); },
      (error: unknown) => {
        if (controller.signal.aborted || isAbortError(error)) return;
        setState((s) => ({ ...s, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [path, nonce]);

  const reload = useCallback((quiet = false) => setNonce((n) => ({ n: n.n + 1, quiet })), []);

  useEffect(() => {
    if (path === null || (!refreshMs && !refreshOnFocus)) return;
    const quietReload = () => { if (document.visibilityState === 'visible') reload(true); };
    const timer = refreshMs ? setInterval(quietReload, refreshMs) : undefined;
    if (refreshOnFocus) window.addEventListener('focus', quietReload);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', quietReload);
    };
  }, [path, refreshMs, refreshOnFocus, reload]);

  return { ...state, reload };
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { apiRequest, ApiError, isAbortError, type ApiResponse } from '../app/api';
import type { Order } from './types';

/** A write refused because the order changed since it was read (412, or 409 version_conflict). */
export const isStale = (e: unknown): boolean =>
  e instanceof ApiError && (e.status === 412 || e.code === 'version_conflict' || e.code === 'precondition_failed');

export interface OrderState {
  order: Order | null;
  error: unknown;
  loading: boolean;
  /** A write found the order changed by someone else; only a reload clears it. */
  conflict: boolean;
  /** Bumped by every reload, so open edit forms (keyed by it) drop what they held. */
  generation: number;
  reload: () => void;
  /**
   * Runs a write. `bumps` is how many versions the write itself adds (a note adds none). The ETag it
   * sends is the version `basedOn` was read at: an edit form passes the version it opened on, so a
   * colleague's change in between is refused, while the user's own earlier writes in this page are not.
   */
  write: (send: (ifMatch: string) => Promise<ApiResponse<Order>>, opts?: { basedOn?: number; bumps?: 0 | 1 }) => Promise<Order>;
}

export function useOrder(orderId: string): OrderState {
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [conflict, setConflict] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [attempt, setAttempt] = useState(0);
  // Versions from `lineStart` to the current one came from this page's own writes, in sequence.
  const lineStart = useRef(0);
  const current = useRef<Order | null>(null);
  const loadedId = useRef(orderId);

  useEffect(() => {
    if (loadedId.current !== orderId) {
      // Another order: never show the previous one while this one loads.
      loadedId.current = orderId;
      current.current = null;
      setOrder(null);
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    apiRequest<Order>(`/orders/${encodeURIComponent(orderId)}`, { signal: controller.signal }).then(
      ({ data }) => {
        current.current = data;
        lineStart.current = data.version;
        setOrder(data);
        setConflict(false);
        setGeneration((g) => g + 1);
        setLoading(false);
      },
      (e: unknown) => {
        if (isAbortError(e) || controller.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [orderId, attempt]);

  const write = useCallback<OrderState['write']>(async (send, { basedOn, bumps = 1 } = {}) => {
    const before = current.current;
    if (!before) throw new Error('order not loaded');
    const version = basedOn !== undefined && basedOn < lineStart.current ? basedOn : before.version;
    try {
      const { data } = await send(`"v${version}"`);
      if (data.version !== before.version + bumps) lineStart.current = data.version; // someone else wrote in between
      current.current = data;
      setOrder(data);
      return data;
    } catch (e) {
      if (isStale(e)) setConflict(true);
      throw e;
    }
  }, []);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { order, error, loading, conflict, generation, reload, write };
}

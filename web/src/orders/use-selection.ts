import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Selection } from './OrdersTable';
import type { OrderListItem } from './types';

/**
 * Rows picked on the page shown. Shift-click (or Shift+Space) sets every row between the last one
 * clicked and this one to this one's new state. A new page or search starts with nothing picked.
 */
export function useSelection(items: readonly OrderListItem[], resetKey: string): Selection & { clear: () => void; picked: OrderListItem[] } {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<number | null>(null);
  useEffect(() => { setSelected(new Set()); anchor.current = null; }, [resetKey]);
  // Orders that left the page (moved away, list refreshed) cannot stay selected.
  useEffect(() => {
    setSelected((s) => {
      const present = new Set(items.map((o) => o.orderId));
      const kept = [...s].filter((id) => present.has(id));
      return kept.length === s.size ? s : new Set(kept);
    });
  }, [items]);

  const toggle = useCallback((index: number, range: boolean) => {
    const target = items[index];
    if (!target) return;
    setSelected((s) => {
      const next = new Set(s);
      const on = !s.has(target.orderId);
      const from = range && anchor.current !== null ? Math.min(anchor.current, index) : index;
      const to = range && anchor.current !== null ? Math.max(anchor.current, index) : index;
      for (let i = from; i <= to; i++) {
        const id = items[i]?.orderId;
        if (id) { if (on) next.add(id); else next.delete(id); }
      }
      return next;
    });
    anchor.current = index;
  }, [items]);

  const togglePage = useCallback((on: boolean) => {
    setSelected(on ? new Set(items.map((o) => o.orderId)) : new Set());
    anchor.current = null;
  }, [items]);

  const picked = useMemo(() => items.filter((o) => selected.has(o.orderId)), [items, selected]);
  return { selected, toggle, togglePage, picked, clear: useCallback(() => setSelected(new Set()), []) };
}

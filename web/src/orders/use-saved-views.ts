import { useCallback, useEffect, useState } from 'react';
import { api } from '../app/api';
import type { SavedView } from './types';

export interface SavedViewsState {
  views: SavedView[] | null;
  error: unknown;
  create: (name: string, query: string, columns: string[]) => Promise<SavedView>;
  update: (view: SavedView, change: { query: string; columns: string[] }) => Promise<SavedView>;
  remove: (view: SavedView) => Promise<void>;
  reload: () => void;
}

const byName = (a: SavedView, b: SavedView) => a.name.localeCompare(b.name);

/** The signed-in user's own views of one list (`orders`, `review` or a department such as `fraud-review`). */
export function useSavedViews(scope: string): SavedViewsState {
  const [views, setViews] = useState<SavedView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    api<{ items: SavedView[] }>(`/saved-views?scope=${encodeURIComponent(scope)}`, { signal: controller.signal }).then(
      (data) => setViews(data.items.sort(byName)),
      (e: unknown) => { if (!controller.signal.aborted) setError(e); },
    );
    return () => controller.abort();
  }, [scope, attempt]);

  const create = useCallback(async (name: string, query: string, columns: string[]) => {
    const view = await api<SavedView>('/saved-views', { method: 'POST', body: { scope, name, query, columns } });
    setViews((vs) => [...(vs ?? []), view].sort(byName));
    return view;
  }, [scope]);

  const update = useCallback(async (view: SavedView, change: { query: string; columns: string[] }) => {
    const saved = await api<SavedView>(`/saved-views/${view.id}`, { method: 'PATCH', body: change, headers: { 'if-match': `"v${view.version}"` } });
    setViews((vs) => (vs ?? []).map((v) => (v.id === saved.id ? saved : v)));
    return saved;
  }, []);

  const remove = useCallback(async (view: SavedView) => {
    await api(`/saved-views/${view.id}`, { method: 'DELETE' });
    setViews((vs) => (vs ?? []).filter((v) => v.id !== view.id));
  }, []);

  return { views, error, create, update, remove, reload: useCallback(() => setAttempt((n) => n + 1), []) };
}

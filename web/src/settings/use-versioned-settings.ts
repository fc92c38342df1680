import { useCallback, useState } from 'react';
import { api } from '../app/api';
import { useApiData } from '../app/use-api';
import { isVersionConflict } from '../payments/payments-api';

export interface VersionedSettings<T extends { version: number }> {
  /** The settings as last read or saved. */
  data: T | undefined;
  loadError: unknown;
  /** Saves the whole settings with the version they were read at. */
  save: (body: Record<string, unknown>) => Promise<boolean>;
  saving: boolean;
  /** The last save failed (not for a conflict, which `conflict` reports). */
  error: unknown;
  /** Someone saved a newer version first: only a reload clears it. */
  conflict: boolean;
  /** The last save succeeded (cleared by the next edit or save). */
  saved: boolean;
  clearStatus: () => void;
  reload: () => void;
  /** Changes on every reload and save: forms keyed by it start again from `data`. */
  formKey: string;
}

/**
 * A merchant-wide settings record with optimistic concurrency: GET it, PUT it whole with the version
 * read; a stale version is refused (409/412) and shown as "someone else changed these settings".
 */
export function useVersionedSettings<T extends { version: number }>(path: string): VersionedSettings<T> {
  const loaded = useApiData<T>(path);
  const [savedData, setSavedData] = useState<T | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState(false);
  const [reloads, setReloads] = useState(0);
  const data = savedData ?? loaded.data;

  const save = async (body: Record<string, unknown>) => {
    if (!data) return false;
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const next = await api<T>(path, { method: 'PUT', body: { ...body, version: data.version } });
      setSavedData(next);
      setSaved(true);
      return true;
    } catch (e) {
      if (isVersionConflict(e)) setConflict(true);
      else setError(e);
      return false;
    } finally {
      setSaving(false);
    }
  };

  const { reload: reloadData } = loaded;
  const reload = useCallback(() => {
    setSavedData(null);
    setConflict(false);
    setError(null);
    setSaved(false);
    setReloads((n) => n + 1);
    reloadData();
  }, [reloadData]);

  return {
    data, loadError: loaded.error, save, saving, error, conflict, saved, reload,
    clearStatus: () => { setSaved(false); setError(null); },
    formKey: `${reloads}-${data?.version ?? 'none'}`,
  };
}

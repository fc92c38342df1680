import { useCallback, useState } from 'react';
import { api } from '../app/api';
import { useApiData } from '../app/use-api';
import { isVersionConflict } from '../payments/payments-api';
import { rebaseDraft } from './rebase-settings';

/** After "Load their version and re-apply my changes": what was put back, for the user to review before saving. */
export interface RebasedDraft {
  /** The version the draft now stands on. */
  version: number;
  /** Settings paths ("rules.blocked_ip.weight") where the user's value was put back. */
  reapplied: string[];
  /** Of those, the ones the other person had changed too: theirs is replaced by the user's. */
  overridden: string[];
}

export interface VersionedSettings<T extends { version: number }> {
  /** The settings as last read or saved; after `rebase`, the newest version with the user's changes on top. */
  data: T | undefined;
  loadError: unknown;
  /** Saves the whole settings with the version they were read at. */
  save: (body: Record<string, unknown>) => Promise<boolean>;
  saving: boolean;
  /** The last save failed (not for a conflict, which `conflict` reports). */
  error: unknown;
  /** Someone saved a newer version first: `rebase` or `reload` clears it; the form keeps the user's draft meanwhile. */
  conflict: boolean;
  /** The draft refused for the conflict, as it was sent (so it can be shown or copied). */
  unsaved: Record<string, unknown> | null;
  /** Loads the newest version and puts the refused draft's changes on it; the form shows the result, unsaved. */
  rebase: () => Promise<void>;
  rebasing: boolean;
  /** Set by a successful `rebase` until the next save or reload. */
  rebased: RebasedDraft | null;
  /** The last save succeeded (cleared by the next edit or save). */
  saved: boolean;
  clearStatus: () => void;
  reload: () => void;
  /** Changes on every reload and save: forms keyed by it start again from `data`. */
  formKey: string;
}

/**
 * A merchant-wide settings record with optimistic concurrency: GET it, PUT it whole with the version
 * read; a stale version is refused (409/412) and shown as "someone else changed these settings", keeping
 * the user's draft: `rebase` puts its changes on the newest version for the user to review and save again.
 */
export function useVersionedSettings<T extends { version: number }>(path: string): VersionedSettings<T> {
  const loaded = useApiData<T>(path);
  const [savedData, setSavedData] = useState<T | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [unsaved, setUnsaved] = useState<{ base: T; draft: Record<string, unknown> } | null>(null);
  const [rebasing, setRebasing] = useState(false);
  const [rebased, setRebased] = useState<RebasedDraft | null>(null);
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
      setRebased(null);
      setUnsaved(null);
      return true;
    } catch (e) {
      if (isVersionConflict(e)) {
        setConflict(true);
        setUnsaved({ base: data, draft: body });
      } else setError(e);
      return false;
    } finally {
      setSaving(false);
    }
  };

  const { reload: reloadData } = loaded;
  const rebase = async () => {
    if (!unsaved) return;
    setRebasing(true);
    setError(null);
    try {
      const theirs = await api<T>(path);
      const { merged, reapplied, overridden } = rebaseDraft(unsaved.base as unknown as Record<string, unknown>, unsaved.draft, theirs as unknown as Record<string, unknown>);
      setSavedData(merged as unknown as T);
      setRebased({ version: theirs.version, reapplied, overridden });
      setConflict(false);
      setReloads((n) => n + 1);
    } catch (e) {
      setError(e);
    } finally {
      setRebasing(false);
    }
  };

  const reload = useCallback(() => {
    setSavedData(null);
    setUnsaved(null);
    setRebased(null);
    setConflict(false);
    setError(null);
    setSaved(false);
    setReloads((n) => n + 1);
    reloadData();
  }, [reloadData]);

  return {
    data, loadError: loaded.error, save, saving, error, conflict, saved, reload,
    unsaved: unsaved?.draft ?? null, rebase, rebasing, rebased,
    clearStatus: () => { setSaved(false); setError(null); },
    formKey: `${reloads}-${data?.version ?? 'none'}`,
  };
}

import { type FormEvent, type ReactNode, useState } from 'react';
import { useApiData } from '../app/use-api';
import { formatInstant } from '../app/format';
import { ErrorState, Loading } from '../app/ui';
import { FormProblem } from '../payments/Dialog';
import type { VersionedSettings } from './use-versioned-settings';

/** The banner after a refused stale save: the form's draft is based on settings that no longer exist. */
export function ConflictBanner({ settings }: { settings: VersionedSettings<{ version: number }> }) {
  if (!settings.conflict) return null;
  return (
    <div className="od-stale" role="alert">
      <span><strong>Someone else changed these settings — reload</strong> to see their change. Your unsaved changes will be discarded.</span>
      <button type="button" className="btn btn-primary btn-sm" onClick={settings.reload}>Reload</button>
    </div>
  );
}

/** A settings form: loading and error states, the conflict banner, and the Save row (hidden when read-only). */
export function SettingsForm<T extends { version: number }>({ settings, title, description, readOnly, onSubmit, fields = [], children, updated }: {
  settings: VersionedSettings<T>; title: string; description?: ReactNode; readOnly: boolean; onSubmit: () => void;
  /** Error fields shown at their inputs, so not again above the buttons. */
  fields?: readonly string[]; children: ReactNode; updated?: { at: string | null; by: string | null };
}) {
  if (!settings.data) {
    return settings.loadError
      ? <ErrorState error={settings.loadError} onRetry={settings.reload} title={`Could not load the ${title.toLowerCase()}`} />
      : <Loading />;
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!readOnly) onSubmit();
  };
  return (
    <form className="panel st-form" aria-label={title} onSubmit={submit} noValidate onChange={settings.clearStatus}>
      <header className="panel-header">
        <div>
          <h2 className="panel-title">{title}</h2>
          {description && <p className="panel-subtitle">{description}</p>}
        </div>
      </header>
      <ConflictBanner settings={settings as unknown as VersionedSettings<{ version: number }>} />
      <fieldset className={`panel-body st-body${readOnly ? ' st-readonly' : ''}`} disabled={readOnly || settings.saving}>{children}</fieldset>
      <footer className="panel-footnote st-footer">
        {!readOnly && (
          <button type="submit" className="btn btn-primary" disabled={settings.saving || settings.conflict}>{settings.saving ? 'Saving…' : 'Save'}</button>
        )}
        {settings.saved && <span className="od-ok" role="status">Saved.</span>}
        <FormProblem error={settings.error} fields={fields} />
        <span className="muted st-version">
          Version {settings.data.version}
          {updated?.at && <> · changed {formatInstant(updated.at)}{updated.by && <> by {updated.by.replace(/^\w+:\S+\s+/, '')}</>}</>}
        </span>
      </footer>
    </form>
  );
}

/** Lines of a textarea as a list: one entry a line (commas also separate), blanks dropped. */
export const linesOf = (text: string): string[] => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

/**
 * A newest-first list read a page at a time through the API's cursors, with the cursors kept as a stack so
 * "Newer" goes back. `pager` is the Newer/Older row (null on a single page); `toFirst` returns to page one.
 */
export function useCursorPages<T>(path: string) {
  const [cursors, setCursors] = useState<string[]>([]);
  const page = useApiData<{ items: T[]; nextCursor: string | null }>(
    `${path}${cursors.length ? `${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursors.at(-1)!)}` : ''}`,
  );
  const next = page.data?.nextCursor ?? null;
  const pager = cursors.length > 0 || next ? (
    <div className="pagination">
      <button type="button" className="btn btn-secondary btn-sm" disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>‹ Newer</button>
      <button type="button" className="btn btn-secondary btn-sm" disabled={!next} onClick={() => setCursors((c) => [...c, next!])}>Older ›</button>
    </div>
  ) : null;
  return { page, pager, toFirst: () => setCursors([]) };
}

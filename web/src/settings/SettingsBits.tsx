import { type FormEvent, type ReactNode, useState } from 'react';
import { useApiData } from '../app/use-api';
import { formatInstant } from '../app/format';
import { ErrorState, Loading } from '../app/ui';
import { FormProblem } from '../payments/Dialog';
import type { VersionedSettings } from './use-versioned-settings';

/**
 * The banner after a refused stale save. The form still holds the user's draft: they may put its changes
 * on the newest version (then review and save again), or drop them and reload. After a re-base it says what
 * was put back, and where the other person's change gave way to the user's.
 */
export function ConflictBanner({ settings }: { settings: VersionedSettings<{ version: number }> }) {
  const { rebased } = settings;
  if (rebased && !settings.conflict) {
    return (
      <div className="od-stale" role="status">
        <span>
          <strong>Their version {rebased.version} is loaded{rebased.reapplied.length ? ' with your changes re-applied' : ''}</strong>
          {rebased.reapplied.length ? <> ({paths(rebased.reapplied)}). Review, then Save.</> : '. Your changes were already in it.'}
          {rebased.overridden.length > 0 && <> They had changed {paths(rebased.overridden)} too: your value is shown instead of theirs.</>}
        </span>
      </div>
    );
  }
  if (!settings.conflict) return null;
  return (
    <div className="od-stale" role="alert">
      <span>
        <strong>Someone else changed these settings</strong> since you opened them. Your changes are still here, not saved.
        {settings.unsaved && (
          <details className="st-unsaved">
            <summary>Show my unsaved values</summary>
            <pre className="mono">{JSON.stringify(settings.unsaved, null, 2)}</pre>
          </details>
        )}
      </span>
      <button type="button" className="btn btn-primary btn-sm" disabled={settings.rebasing || !settings.unsaved} onClick={() => void settings.rebase()}>
        {settings.rebasing ? 'Loading…' : 'Load their version and re-apply my changes'}
      </button>
      <button type="button" className="btn btn-ghost btn-sm" disabled={settings.rebasing} onClick={settings.reload}>Discard mine and reload</button>
    </div>
  );
}

const paths = (list: string[]) => list.map((p, i) => <span key={p}>{i > 0 && ', '}<code>{p}</code></span>);

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

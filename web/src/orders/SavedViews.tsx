import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../app/api';
import { COLUMNS_PARAM, viewQueryOf } from './search-state';
import type { SavedView } from './types';
import { useSavedViews } from './use-saved-views';

interface Props {
  scope: string;
  params: URLSearchParams;
  onApply: (query: string, columns: string[] | null) => void;
}

const normalize = (query: string) => viewQueryOf(new URLSearchParams(query));
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function messageOf(e: unknown): string {
  if (e instanceof ApiError && e.code === 'duplicate') return 'You already have a view with this name here.';
  if (e instanceof ApiError && (e.status === 412 || e.status === 409)) return 'This view was changed elsewhere; pick it again and retry.';
  return e instanceof ApiError ? e.message : 'Could not reach the server; try again.';
}

/** Named searches (filters, sort and columns) of this list, kept per user on the server. */
export function SavedViews({ scope, params, onApply }: Props) {
  const { views, error, create, update, remove, reload } = useSavedViews(scope);
  const id = useId();
  const [mode, setMode] = useState<'idle' | 'naming' | 'confirm-delete'>('idle');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [working, setWorking] = useState(false);

  const query = viewQueryOf(params);
  const columns = params.get(COLUMNS_PARAM)?.split(',').filter(Boolean) ?? [];
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const matches = (v: SavedView) => normalize(v.query) === query && sameList(v.columns, columns);
  const chosen = views?.find((v) => v.id === selectedId) ?? null;
  // The view picked last, while the list still shows it; else any view that shows this list (a link, a
  // reload). Two views may hold the same search: the one the person picked is the one acted on.
  const current = chosen && matches(chosen) ? chosen : views?.find(matches) ?? null;
  const selected = current ?? chosen;

  const run = async (work: () => Promise<void>) => {
    setWorking(true);
    setProblem(null);
    try { await work(); setMode('idle'); } catch (e) { setProblem(messageOf(e)); if (!(e instanceof ApiError)) reload(); } finally { setWorking(false); }
  };
  const apply = (view: SavedView) => { setSelectedId(view.id); onApply(view.query, view.columns.length ? view.columns : null); };
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) { setProblem('Give the view a name.'); return; }
    void run(async () => { const v = await create(name.trim(), query, columns); setSelectedId(v.id); setName(''); });
  };

  return (
    <section className="od-views" aria-label="Saved views">
      <div className="od-views-pick">
        <label htmlFor={`${id}-pick`} className="field-label">Saved view</label>
        <select id={`${id}-pick`} className="select" value={selected?.id ?? ''} disabled={!views?.length}
          onChange={(e) => { const v = views?.find((x) => x.id === Number(e.target.value)); if (v) apply(v); }}>
          <option value="" disabled>{views === null ? (error ? 'Views unavailable' : 'Loading…') : views.length ? 'Choose a view…' : 'No saved views yet'}</option>
          {views?.map((v) => <option key={v.id} value={v.id}>{v.name}</option>)}
        </select>
      </div>
      {selected && !current && <span className="field-hint">changed since applied</span>}
      {mode === 'idle' && (
        <div className="od-views-actions">
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => { setMode('naming'); setProblem(null); }}>Save view…</button>
          {selected && !current && (
            <button type="button" className="btn btn-secondary btn-sm" disabled={working} onClick={() => void run(async () => { await update(selected, { query, columns }); })}>
              Update “{selected.name}”
            </button>
          )}
          {selected && <button type="button" className="btn btn-ghost btn-sm od-text-danger" onClick={() => setMode('confirm-delete')}>Delete…</button>}
        </div>
      )}
      {mode === 'naming' && (
        <form className="od-views-form" onSubmit={save}>
          <label htmlFor={id} className="field-label">View name</label>
          <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} autoFocus
            aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${id}-e` : undefined} />
          <button type="submit" className="btn btn-primary btn-sm" disabled={working}>Save</button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => { setMode('idle'); setProblem(null); }}>Cancel</button>
        </form>
      )}
      {mode === 'confirm-delete' && selected && (
        <div className="od-views-form" role="alertdialog" aria-label="Delete view">
          <span>Delete the view “{selected.name}”?</span>
          <button type="button" className="btn btn-danger btn-sm" disabled={working}
            onClick={() => void run(async () => { await remove(selected); setSelectedId(null); })}>Delete</button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setMode('idle')}>Cancel</button>
        </div>
      )}
      {problem && <span className="field-error" id={`${id}-e`} role="alert">{problem}</span>}
    </section>
  );
}

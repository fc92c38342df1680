import { useRef } from 'react';
import { COLUMNS, type Column } from './columns';
import { useDismissable, useKeepOnScreen } from './MultiSelect';

interface Props {
  shown: readonly Column[];
  onChange: (keys: string[] | null) => void;
}

/** Which columns show, and in what order; the order id always shows first. */
export function ColumnChooser({ shown, onChange }: Props) {
  const ref = useRef<HTMLDetailsElement>(null);
  useDismissable(ref);
  useKeepOnScreen(ref);
  const keys = shown.map((c) => c.key);
  const hidden = COLUMNS.filter((c) => !keys.includes(c.key));
  const move = (key: string, by: number) => {
    const next = [...keys];
    const i = next.indexOf(key);
    const j = i + by;
    if (j < 1 || j >= next.length) return;
    [next[i], next[j]] = [next[j]!, next[i]!];
    onChange(next);
  };
  return (
    <details className="od-popover od-columns" ref={ref}>
      <summary>Columns</summary>
      <div className="od-popover-body" role="group" aria-label="Columns">
        <ol className="od-column-list">
          {shown.map((c, i) => (
            <li key={c.key}>
              <label className="checkbox">
                <input type="checkbox" checked disabled={c.key === 'orderId'} onChange={() => onChange(keys.filter((k) => k !== c.key))} />
                {c.label}
              </label>
              {i > 0 && (
                <span className="od-column-moves">
                  <button type="button" aria-label={`Move ${c.label} up`} disabled={i === 1} onClick={() => move(c.key, -1)}>↑</button>
                  <button type="button" aria-label={`Move ${c.label} down`} disabled={i === shown.length - 1} onClick={() => move(c.key, 1)}>↓</button>
                </span>
              )}
            </li>
          ))}
        </ol>
        {hidden.length > 0 && (
          <ul className="od-column-list od-column-hidden">
            {hidden.map((c) => (
              <li key={c.key}>
                <label className="checkbox">
                  <input type="checkbox" checked={false} onChange={() => onChange([...keys, c.key])} />
                  {c.label}
                </label>
              </li>
            ))}
          </ul>
        )}
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange(null)}>Default columns</button>
      </div>
    </details>
  );
}

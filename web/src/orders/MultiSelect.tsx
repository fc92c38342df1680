import { useEffect, useId, useRef, type RefObject } from 'react';

interface Props {
  label: string;
  options: readonly { value: string; label: string }[];
  selected: readonly string[];
  onChange: (next: string[]) => void;
  /** Shown when nothing is picked. */
  anyLabel?: string;
}

/** Closes a <details> popover on a click outside it or on Escape, as people expect of a dropdown. */
export function useDismissable(ref: RefObject<HTMLDetailsElement | null>): void {
  useEffect(() => {
    const close = (e: MouseEvent | KeyboardEvent) => {
      const el = ref.current;
      if (!el?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !el.contains(e.target as Node)) el.open = false;
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => { document.removeEventListener('mousedown', close); document.removeEventListener('keydown', close); };
  }, [ref]);
}

/**
 * Opens a <details> popover towards whichever side keeps it on screen. It hangs from one edge of its
 * summary; on a phone a summary in the right-hand column would push it past the viewport and make the
 * whole page scroll sideways. The side is chosen each time it opens (`data-align` = start | end).
 */
export function useKeepOnScreen(ref: RefObject<HTMLDetailsElement | null>): void {
  useEffect(() => {
    const details = ref.current;
    if (!details) return;
    // data-align is set on every opening ("natural" when the default side fits) and removed on closing,
    // so whoever waits for an open dropdown to settle (a test, a screenshot) can see that it has.
    const place = () => {
      details.removeAttribute('data-align');
      if (!details.open) return;
      const popup = details.querySelector<HTMLElement>(':scope > :not(summary)');
      if (!popup) return;
      const viewport = document.documentElement.clientWidth;
      const box = popup.getBoundingClientRect();
      details.setAttribute('data-align', box.right > viewport ? 'end' : box.left < 0 ? 'start' : 'natural');
    };
    details.addEventListener('toggle', place);
    return () => details.removeEventListener('toggle', place);
  }, [ref]);
}

/** A dropdown of checkboxes (a native <details>, so keyboard and screen readers work without a library). */
export function MultiSelect({ label, options, selected, onChange, anyLabel = 'Any' }: Props) {
  const ref = useRef<HTMLDetailsElement>(null);
  const id = useId();
  useDismissable(ref);
  useKeepOnScreen(ref);

  const picked = options.filter((o) => selected.includes(o.value));
  const summary = picked.length === 0 ? anyLabel : picked.length <= 2 ? picked.map((o) => o.label).join(', ') : `${picked.length} selected`;
  const toggle = (value: string, on: boolean) =>
    onChange(options.map((o) => o.value).filter((v) => (v === value ? on : selected.includes(v))));

  return (
    <div className="field od-field">
      <span className="field-label" id={id}>{label}</span>
      <details className="od-multi" ref={ref}>
        <summary aria-label={`${label}: ${summary}`}>{summary}</summary>
        <fieldset aria-labelledby={id}>
          {options.map((o) => (
            <label key={o.value} className="checkbox">
              <input type="checkbox" checked={selected.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
              {o.label}
            </label>
          ))}
          {picked.length > 0 && <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange([])}>Clear</button>}
        </fieldset>
      </details>
    </div>
  );
}

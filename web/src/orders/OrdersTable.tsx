import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent as ReactMouseEvent } from 'react';
import { useNavigate } from 'react-router';
import type { Column, SortKey } from './columns';
import type { Sort } from './search-state';
import type { OrderListItem } from './types';

export interface RowStatus { state: 'queued' | 'running' | 'moved' | 'failed'; message?: string }

export interface Selection {
  selected: ReadonlySet<string>;
  /** `range` is true for a shift-click: everything between the last click and this row. */
  toggle: (index: number, range: boolean) => void;
  togglePage: (on: boolean) => void;
}

interface Props {
  label: string;
  items: readonly OrderListItem[];
  columns: readonly Column[];
  sort: Sort;
  onSort: (sort: Sort) => void;
  busy?: boolean;
  selection?: Selection | undefined;
  rowStatus?: ReadonlyMap<string, RowStatus>;
}

const FIRST_DIRECTION: Record<SortKey, 'asc' | 'desc'> = { created: 'desc', total: 'desc', order_id: 'asc' };

function nextSort(current: Sort, key: SortKey): Sort {
  if (current.startsWith(`${key}_`)) return (current.endsWith('_asc') ? `${key}_desc` : `${key}_asc`) as Sort;
  return `${key}_${FIRST_DIRECTION[key]}` as Sort;
}

/**
 * The order list. Arrow keys move a row focus (Home/End jump), Enter opens the order, Space selects
 * it when rows can be selected; a click on a row opens it too, except on its checkbox.
 */
export function OrdersTable({ label, items, columns, sort, onSort, busy = false, selection, rowStatus }: Props) {
  const navigate = useNavigate();
  const [focus, setFocus] = useState(0);
  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => setFocus(0), [items]);

  const open = (o: OrderListItem) => void navigate(`/orders/${encodeURIComponent(o.orderId)}`);
  const moveFocus = (to: number) => {
    const index = Math.max(0, Math.min(items.length - 1, to));
    setFocus(index);
    (body.current?.rows[index] as HTMLElement | undefined)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>, index: number) => {
    if ((e.target as HTMLElement).closest('input, button, a') && e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    switch (e.key) {
      case 'ArrowDown': moveFocus(index + 1); break;
      case 'ArrowUp': moveFocus(index - 1); break;
      case 'Home': moveFocus(0); break;
      case 'End': moveFocus(items.length - 1); break;
      case 'Enter': open(items[index]!); break;
      case ' ': if (!selection) return; selection.toggle(index, e.shiftKey); break;
      default: return;
    }
    e.preventDefault();
  };

  const onRowClick = (e: ReactMouseEvent, index: number) => {
    if ((e.target as HTMLElement).closest('input, button, a, .od-select-cell')) return;
    if (window.getSelection()?.toString()) return; // copying a value is not opening the order
    open(items[index]!);
  };

  const allSelected = !!selection && items.length > 0 && items.every((o) => selection.selected.has(o.orderId));
  const someSelected = !!selection && items.some((o) => selection.selected.has(o.orderId));

  return (
    <div className={`table-wrap od-table-wrap${busy ? ' od-busy' : ''}`} aria-busy={busy}>
      <table className="table table-compact od-table" aria-label={label}>
        <thead>
          <tr>
            {selection && (
              <th className="od-select-cell" scope="col">
                <input type="checkbox" aria-label="Select all on this page" checked={allSelected}
                  ref={(el) => { if (el) el.indeterminate = someSelected && !allSelected; }}
                  onChange={(e) => selection.togglePage(e.target.checked)} />
              </th>
            )}
            {columns.map((c) => {
              const active = c.sort && sort.startsWith(`${c.sort}_`);
              const direction = active ? (sort.endsWith('_asc') ? 'ascending' : 'descending') : undefined;
              return (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={direction}>
                  {c.sort
                    ? (
                      <button type="button" className="sort-button" onClick={() => onSort(nextSort(sort, c.sort!))}
                        title={`Sort by ${c.label.toLowerCase()}`}>
                        {c.label}{!direction && <span aria-hidden="true" className="od-sort-idle">↕</span>}
                      </button>
                    )
                    : c.label}
                </th>
              );
            })}
            {rowStatus && rowStatus.size > 0 && <th scope="col">Result</th>}
          </tr>
        </thead>
        <tbody ref={body}>
          {items.map((o, index) => {
            const status = rowStatus?.get(o.orderId);
            const selected = selection?.selected.has(o.orderId) ?? false;
            return (
              <tr key={o.orderId} tabIndex={index === focus ? 0 : -1} aria-selected={selection ? selected : undefined}
                className={`row-link${status ? ` od-row-${status.state}` : ''}`}
                onKeyDown={(e) => onKeyDown(e, index)} onClick={(e) => onRowClick(e, index)} onFocus={() => setFocus(index)}
                data-order-id={o.orderId}>
                {selection && (
                  <td className="od-select-cell" onClick={(e) => { if (e.target === e.currentTarget) selection.toggle(index, e.shiftKey); }}>
                    <input type="checkbox" aria-label={`Select ${o.orderId}`} checked={selected} tabIndex={-1}
                      onChange={(e) => selection.toggle(index, !!(e.nativeEvent as MouseEvent).shiftKey)} />
                  </td>
                )}
                {columns.map((c) => <td key={c.key} className={c.numeric ? 'num' : undefined}>{c.render(o)}</td>)}
                {rowStatus && rowStatus.size > 0 && (
                  <td className="od-result" role="status">{status ? <RowResult status={status} /> : null}</td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RowResult({ status }: { status: RowStatus }) {
  switch (status.state) {
    case 'queued': return <span className="muted">Waiting…</span>;
    case 'running': return <span className="muted">Moving…</span>;
    case 'moved': return <span className="od-ok">✓ {status.message ?? 'Moved'}</span>;
    case 'failed': return <span className="od-fail">✗ {status.message ?? 'Failed'}</span>;
  }
}

/** Grey rows in the table's shape while the first page loads. */
export function TableSkeleton({ columns, rows = 8 }: { columns: number; rows?: number }) {
  return (
    <div className="table-wrap od-table-wrap" role="status" aria-label="Loading orders">
      <table className="table table-compact od-skeleton">
        <tbody>
          {Array.from({ length: rows }, (_, r) => (
            <tr key={r}>{Array.from({ length: columns }, (_, c) => <td key={c}><span className="skeleton od-bone" /></td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

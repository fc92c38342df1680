import { useRef, type ReactNode } from 'react';
import { ApiError } from '../app/api';
import type { Stage } from '../app/departments';
import { EmptyState, ErrorState } from '../app/ui';
import { ColumnChooser } from './ColumnChooser';
import { resolveColumns, type Column } from './columns';
import { filterOfProblemField } from './filter-draft';
import { FilterChips } from './FilterChips';
import { FilterPanel } from './FilterPanel';
import { OrdersTable, TableSkeleton, type RowStatus, type Selection } from './OrdersTable';
import { Pager } from './Pager';
import { QuickSearch } from './QuickSearch';
import { SavedViews } from './SavedViews';
import { apiQueryOf, CURRENCY_PARAM, hasFilters, type Sort } from './search-state';
import { useListUrl, type ListUrl } from './use-list-url';
import { useOrderList, type OrderListState } from './use-order-list';

export interface OrdersListSetup {
  stages?: readonly Stage[] | undefined;
  defaultColumns: readonly string[];
  defaultSort?: Sort;
}

export interface OrdersList {
  url: ListUrl;
  list: OrderListState;
  columns: Column[];
  /** The query the visible page was fetched with (for knowing a page is current). */
  query: string;
  serverError: { field: string; message: string } | null;
  removeFilter: (key: string) => void;
}

/** Everything a list page needs: its URL state, the current page from the API and the columns chosen. */
export function useOrdersList({ stages, defaultColumns, defaultSort = 'created_desc' }: OrdersListSetup): OrdersList {
  const url = useListUrl(defaultSort);
  const query = apiQueryOf(url.params, { stages, defaultSort });
  const list = useOrderList(query);
  const columns = resolveColumns(url.columns, defaultColumns);
  const field = list.error instanceof ApiError ? filterOfProblemField(list.error.problem.field) : null;
  const serverError = field && list.error instanceof ApiError ? { field, message: list.error.message.replace(/^\/\w+\s*/, '') } : null;
  const removeFilter = (key: string) => {
    const changes: Record<string, string | null> = { [key]: null };
    if ((key === 'totalMin' && !url.params.has('totalMax')) || (key === 'totalMax' && !url.params.has('totalMin'))) changes[CURRENCY_PARAM] = null;
    url.update(changes);
  };
  return { url, list, columns, query, serverError, removeFilter };
}

interface ToolbarProps { setup: OrdersList; scope: string; stages?: readonly Stage[] | undefined; compact?: boolean; hiddenChips?: string[] }

/** Quick search, saved views, filters and the filters in force. */
export function ListControls({ setup, scope, stages, compact = false, hiddenChips }: ToolbarProps) {
  const { url, serverError, removeFilter } = setup;
  return (
    <div className="od-controls">
      <div className="od-controls-top">
        <QuickSearch onSearch={(kind, value) => {
          const next = new URLSearchParams();
          for (const keep of ['sort', 'limit', 'stage']) if (url.params.has(keep) && (keep !== 'stage' || compact)) next.set(keep, url.params.get(keep)!);
          next.set(kind, value);
          url.replace(next.toString());
        }} />
        <SavedViews scope={scope} params={url.params} onApply={(query, columns) => url.replace(query, columns)} />
      </div>
      <FilterPanel params={url.params} onApply={url.update} stages={stages} compact={compact} serverError={serverError} />
      <FilterChips params={url.params} onRemove={removeFilter} hidden={hiddenChips} />
    </div>
  );
}

interface ResultsProps {
  setup: OrdersList;
  label: string;
  empty: ReactNode;
  selection?: Selection | undefined;
  rowStatus?: ReadonlyMap<string, RowStatus>;
  /** Above the table, right-aligned next to the column chooser (e.g. bulk actions). */
  actions?: ReactNode;
}

/** The table with its loading, empty and error states, the column chooser and the pager. */
export function ListResults({ setup, label, empty, selection, rowStatus, actions }: ResultsProps) {
  const { url, list, columns, query, serverError } = setup;
  const limit = Number(url.params.get('limit')) || 50;
  const items = list.page?.items ?? [];
  const stale = list.pageQuery !== query;
  const busy = list.loading && list.page !== null;
  // Next or Previous at the foot of a long page: the new page is read from its top.
  const section = useRef<HTMLElement>(null);
  const toTop = () => { if ((section.current?.getBoundingClientRect().top ?? 0) < 0) section.current?.scrollIntoView({ block: 'start' }); };

  let body: ReactNode;
  if (list.error && !(list.loading)) {
    const badCursor = list.error instanceof ApiError && list.error.problem.field === 'querystring:/cursor';
    body = serverError && !badCursor
      ? <EmptyState>The server refused a filter: fix the field marked in the filters above.</EmptyState>
      : badCursor
        ? <ErrorState error={list.error} onRetry={() => url.update({})} title="This page link has expired; start from the first page" />
        : <ErrorState error={list.error} onRetry={list.reload} title="Could not load the orders" />;
  } else if (list.page === null) {
    body = <TableSkeleton columns={columns.length + (selection ? 1 : 0)} />;
  } else if (items.length === 0 && !stale) {
    body = (
      <EmptyState>
        {empty}
        {hasFilters(url.params) && <> <button type="button" className="btn btn-secondary btn-sm" onClick={() => url.replace('')}>Clear all filters</button></>}
      </EmptyState>
    );
  } else {
    body = (
      <OrdersTable label={label} items={items} columns={columns} sort={url.sort} onSort={url.setSort}
        busy={busy || stale} selection={selection} rowStatus={rowStatus} />
    );
  }

  return (
    <section className="od-results" aria-label="Results" ref={section}>
      <div className="od-results-bar">
        <div className="od-results-actions">{actions}</div>
        <ColumnChooser shown={columns} onChange={url.setColumns} />
      </div>
      {busy && <div className="od-progress" role="progressbar" aria-label="Loading" />}
      {body}
      {list.page && !list.error && (items.length > 0 || url.canGoBack) && (
        <Pager pageNumber={url.pageNumber} shown={items.length} hasPrevious={url.canGoBack}
          previousIsFirst={url.canGoBack && url.pageNumber === 1} nextCursor={stale ? null : list.page.nextCursor}
          limit={limit} busy={list.loading} onPrevious={() => { url.previous(); toTop(); }} onNext={(cursor) => { url.next(cursor); toTop(); }}
          onLimit={(n) => url.update({ limit: n === 50 ? null : String(n) })} />
      )}
    </section>
  );
}

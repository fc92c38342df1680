import { PAGE_SIZES } from './search-state';

interface Props {
  pageNumber: number;
  shown: number;
  hasPrevious: boolean;
  /** A bookmarked later page has no history of earlier cursors: "Previous" goes to the first page. */
  previousIsFirst: boolean;
  nextCursor: string | null;
  limit: number;
  busy: boolean;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
  onLimit: (limit: number) => void;
}

/** Keyset paging: there is no total count (counting a million rows per page view is what makes lists slow). */
const orders = (n: number) => `${n} ${n === 1 ? 'order' : 'orders'}`;

export function Pager({ pageNumber, shown, hasPrevious, previousIsFirst, nextCursor, limit, busy, onPrevious, onNext, onLimit }: Props) {
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" className="btn btn-secondary btn-sm" onClick={onPrevious} disabled={!hasPrevious || busy}>{previousIsFirst ? '« First page' : '‹ Previous'}</button>
      <span className="od-page-info">{previousIsFirst ? orders(shown) : `Page ${pageNumber} · ${orders(shown)}`}</span>
      <button type="button" className="btn btn-secondary btn-sm" onClick={() => nextCursor && onNext(nextCursor)} disabled={!nextCursor || busy}>Next ›</button>
      <label className="od-page-size">
        Per page
        <select className="select" value={limit} onChange={(e) => onLimit(Number(e.target.value))}>
          {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
    </nav>
  );
}

import { useEffect, type ReactNode } from 'react';
import { describeError } from './api';
import { STAGE_LABEL, type Stage } from './departments';

/*
 * Small shared pieces every page uses. Class names are documented at the top of styles.css.
 */

/** Sets the tab title: "Fraud Review · Orderdeck". */
export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Orderdeck` : 'Orderdeck';
  }, [title]);
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function EmptyState({ title, children }: { title?: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      {title && <p className="state-title">{title}</p>}
      {children && <div>{children}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{title}</p>
      <p>{describeError(error)}</p>
      {onRetry && <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>Try again</button>}
    </div>
  );
}

/** A page's heading row: title, optional description, and actions at the right. */
export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1 className="page-title">{title}</h1>
        {description && <p className="page-description">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

/** The stage as a coloured pill, the same colour everywhere (dashboard, queues, order detail). */
export function StageBadge({ stage, label }: { stage: string; label?: string }) {
  return <span className={`badge badge-stage stage-${stage}`}>{label ?? STAGE_LABEL[stage as Stage] ?? stage}</span>;
}

/** A grey placeholder block while content loads; give it the size of what will replace it. */
export function Skeleton({ width, height = '1em', className = '' }: { width?: string | number; height?: string | number; className?: string }) {
  return <span className={`skeleton ${className}`} style={{ width, height }} aria-hidden="true" />;
}

import type { ReactNode } from 'react';
import { ApiError } from './api';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <div className="state state-loading" role="status" aria-live="polite">{label}</div>;
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof ApiError ? error.message : 'Something went wrong. Check your connection and try again.';
  return (
    <div className="state state-error" role="alert">
      <span>{message}</span>
      {onRetry && <button type="button" onClick={onRetry}>Retry</button>}
    </div>
  );
}

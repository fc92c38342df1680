import { useState } from 'react';
import { formatInstant } from '../app/format';
import { useApiData } from '../app/use-api';
import { EmptyState, ErrorState, Loading } from '../app/ui';
import { actorName } from '../orders/labels';

interface AuditEntry { id: number; at: string; actor: string; action: string; detail: Record<string, unknown> }

/** One line per change, in words a reviewer reads; the full before/after stays in the API. */
function describe(entry: AuditEntry): string {
  const d = entry.detail;
  switch (entry.action) {
    case 'settings_changed': return `Changed the fraud rules (now version ${String(d.version)})`;
    case 'block_added': return `Blocked ${String(d.kind)} ${String(d.value)}: ${String(d.reason)}`;
    case 'block_removed': return `Unblocked ${String(d.kind)} ${String(d.value)}`;
    case 'customer_blocked': return `Blocked a customer from an order (${Array.isArray(d.added) ? d.added.length : 0} entries): ${String(d.reason)}`;
    default: return entry.action;
  }
}

/** Who changed the rules or the block lists, and when (GET /fraud/audit), newest first. */
export function FraudAuditPanel() {
  const [cursor, setCursor] = useState<string[]>([]);
  const page = useApiData<{ items: AuditEntry[]; nextCursor: string | null }>(`/fraud/audit?limit=15${cursor.length ? `&cursor=${encodeURIComponent(cursor.at(-1)!)}` : ''}`);
  return (
    <section className="panel" aria-labelledby="fraud-audit-title">
      <header className="panel-header">
        <div>
          <h2 className="panel-title" id="fraud-audit-title">Changes</h2>
          <p className="panel-subtitle">Every change to the rules and the block lists, with who made it.</p>
        </div>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => page.reload(true)}>Refresh</button>
      </header>
      <div className="panel-body">
        {page.error && !page.data ? <ErrorState error={page.error} onRetry={() => page.reload()} title="Could not load the changes" />
          : !page.data ? <Loading />
            : page.data.items.length === 0 ? <EmptyState title="No changes yet" />
              : (
                <ul className="st-audit" aria-label="Changes to the fraud rules">
                  {page.data.items.map((entry) => (
                    <li key={entry.id}>
                      <span>{describe(entry)}</span>{' '}
                      <span className="muted nowrap">{formatInstant(entry.at)} by {actorName(entry.actor).name}</span>
                    </li>
                  ))}
                </ul>
              )}
        {(cursor.length > 0 || page.data?.nextCursor) && (
          <div className="pagination">
            <button type="button" className="btn btn-secondary btn-sm" disabled={!cursor.length} onClick={() => setCursor((c) => c.slice(0, -1))}>‹ Newer</button>
            <button type="button" className="btn btn-secondary btn-sm" disabled={!page.data?.nextCursor} onClick={() => setCursor((c) => [...c, page.data!.nextCursor!])}>Older ›</button>
          </div>
        )}
      </div>
    </section>
  );
}

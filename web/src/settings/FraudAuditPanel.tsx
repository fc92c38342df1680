import { formatInstant } from '../app/format';
import { EmptyState, ErrorState, Loading } from '../app/ui';
import { actorName } from '../orders/labels';
import { useCursorPages } from './SettingsBits';

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
  const { page, pager } = useCursorPages<AuditEntry>('/fraud/audit?limit=15');
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
        {pager}
      </div>
    </section>
  );
}

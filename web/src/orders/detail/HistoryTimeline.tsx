import { formatInstant } from '../../app/format';
import { StageBadge } from '../../app/ui';
import { actorName } from '../labels';
import type { HistoryEntry } from '../types';
import { Panel } from './form-bits';

const CHANGE_LABEL: Record<string, string> = {
  billing: 'billing address', shipping: 'shipping address', items: 'items', shippingCost: 'shipping cost', shippingTax: 'shipping tax',
  tags: 'tags', customFields: 'custom fields', customerEmail: 'customer email',
};

function What({ entry }: { entry: HistoryEntry }) {
  switch (entry.kind) {
    case 'created': return <>Created in {entry.to ? <StageBadge stage={entry.to} /> : 'its first stage'}</>;
    case 'stage': return <>{entry.from ? <StageBadge stage={entry.from} /> : '—'} <span aria-label="to">→</span> {entry.to ? <StageBadge stage={entry.to} /> : '—'}</>;
    case 'note': return <>Note added</>;
    case 'tags': return <>Tags changed{entry.changes?.length ? `: ${entry.changes.join(', ')}` : ''}</>;
    case 'updated': return <>Edited {entry.changes?.map((c) => CHANGE_LABEL[c] ?? c).join(', ') || 'the order'}</>;
    case 'payment': return <>Payment{entry.changes?.length ? `: ${entry.changes.join(', ')}` : ''}</>;
    default: return <>{entry.kind}</>;
  }
}

/** Every change to the order, newest first: what happened, who did it, when and why. */
export function HistoryTimeline({ history }: { history: readonly HistoryEntry[] }) {
  const entries = [...history].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
  return (
    <Panel title="History">
      {entries.length === 0 ? <p className="muted">No history yet.</p> : (
        <ol className="od-timeline" aria-label="Stage history">
          {entries.map((h) => {
            const who = actorName(h.actor);
            return (
              <li key={h.id} className={`od-timeline-item od-kind-${h.kind}`}>
                <div className="od-timeline-what"><What entry={h} /></div>
                <div className="od-timeline-meta">
                  <span title={h.actor}>{who.kind === 'system' ? `${who.name} (automatic)` : who.kind === 'api_key' ? `${who.name} (API key)` : who.name}</span>
                  {' · '}
                  <time dateTime={h.at}>{formatInstant(h.at)}</time>
                </div>
                {h.reason && <blockquote className="od-timeline-reason">{h.reason}</blockquote>}
              </li>
            );
          })}
        </ol>
      )}
    </Panel>
  );
}

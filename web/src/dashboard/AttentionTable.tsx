import { Link } from 'react-router';
import { departmentOfStage, STAGE_LABEL, type Stage } from '../app/departments';
import { formatCount, formatDuration, formatInstant, formatMoney } from '../app/format';
import { useSession } from '../app/session';
import { EmptyState } from '../app/ui';
import { urgencyOf, WAITING_STAGES, type StageSummary } from './dashboard-data';

const URGENCY_BADGE = { ok: 'badge-neutral', late: 'badge-warning', overdue: 'badge-danger' } as const;
const URGENCY_TEXT = { ok: '', late: 'waiting longer than usual', overdue: 'overdue' } as const;

/**
 * The order that has waited longest in each queue the user works (those they may view), with how
 * long it has waited as of the dashboard's `generatedAt` (the server's clock, not the browser's).
 */
export function AttentionTable({ stages, generatedAt }: { stages: StageSummary[]; generatedAt: string }) {
  const { can } = useSession();
  const now = Date.parse(generatedAt);
  const rows = WAITING_STAGES
    .map((stage) => ({ stage, summary: stages.find((s) => s.stage === stage), department: departmentOfStage(stage) }))
    .filter((r) => r.department && can(r.department.permission));
  if (rows.length === 0) return <EmptyState title="No queues to watch">Your role does not include any order queue.</EmptyState>;
  const waiting = rows.filter((r) => r.summary?.oldest);
  const empty = rows.filter((r) => !r.summary?.oldest);

  return (
    <>
      {waiting.length === 0
        ? <EmptyState title="Nothing is waiting">Every queue you work is empty.</EmptyState>
        : (
          <div className="table-wrap">
            <table className="table attention-table">
              <caption className="visually-hidden">Oldest order waiting in each queue</caption>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">Oldest order</th>
                  <th scope="col">Customer</th>
                  <th scope="col" className="num">Total</th>
                  <th scope="col">In queue since</th>
                  <th scope="col">Waiting</th>
                </tr>
              </thead>
              <tbody>
                {waiting.map(({ stage, summary, department }) => {
                  const oldest = summary!.oldest!;
                  const waited = Math.max(0, now - Date.parse(oldest.enteredAt));
                  const urgency = urgencyOf(stage, waited);
                  return (
                    <tr key={stage} data-stage={stage}>
                      <th scope="row">
                        <Link to={department!.path} className="link-quiet">{STAGE_LABEL[stage as Stage]}</Link>
                        <span className="muted attention-count">{formatCount(summary!.count)} waiting</span>
                      </th>
                      <td><Link to={`/orders/${encodeURIComponent(oldest.orderId)}`} className="mono">{oldest.orderId}</Link></td>
                      <td>{oldest.customerName}</td>
                      <td className="num">{formatMoney(oldest.total, oldest.currency)}</td>
                      <td><time dateTime={oldest.enteredAt}>{formatInstant(oldest.enteredAt)}</time></td>
                      <td>
                        <span className={`badge ${URGENCY_BADGE[urgency]}`} title={URGENCY_TEXT[urgency] || undefined}>
                          {formatDuration(waited)}
                          {URGENCY_TEXT[urgency] && <span className="visually-hidden"> ({URGENCY_TEXT[urgency]})</span>}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      {empty.length > 0 && waiting.length > 0 && (
        <p className="panel-footnote">Empty: {empty.map((r) => STAGE_LABEL[r.stage as Stage]).join(', ')}.</p>
      )}
    </>
  );
}

import { Link } from 'react-router';
import { departmentOfStage, STAGE_LABEL, type Stage } from '../app/departments';
import { formatCount } from '../app/format';
import { useSession } from '../app/session';
import { EmptyState } from '../app/ui';
import type { StageSummary } from './dashboard-data';

/** Orders in each stage, each tile opening its department when the user may view it. */
export function StageTiles({ stages }: { stages: StageSummary[] }) {
  const { can } = useSession();
  if (stages.length === 0) return <EmptyState title="No stages reported">The server sent no stage counts; try refreshing.</EmptyState>;
  return (
    <ul className="stage-tiles" aria-label="Orders by stage">
      {stages.map((s) => {
        const label = STAGE_LABEL[s.stage as Stage] ?? s.label ?? s.stage;
        const department = departmentOfStage(s.stage as Stage);
        const body = (
          <>
            <span className="stage-tile-label"><span className={`stage-dot stage-${s.stage}`} aria-hidden="true" />{label}</span>
            <span className="stage-tile-count" data-count={s.count}>{formatCount(s.count)}</span>
          </>
        );
        return (
          <li key={s.stage} className={`stage-tile stage-${s.stage}`} data-stage={s.stage}>
            {department && can(department.permission)
              ? <Link to={department.path} className="stage-tile-body stage-tile-link" aria-label={`${label}: ${formatCount(s.count)} orders`}>{body}</Link>
              : <div className="stage-tile-body">{body}</div>}
          </li>
        );
      })}
    </ul>
  );
}

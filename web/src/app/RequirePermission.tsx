import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { describePermission } from './departments';
import { LockIcon } from './icons';
import { roleLabel, useSession } from './session';
import { usePageTitle } from './ui';

/** Opening a department's URL without its permission shows a clear page, not an error or a blank. */
export function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const { can } = useSession();
  if (can(permission)) return <>{children}</>;
  return <NoAccess permission={permission} />;
}

function NoAccess({ permission }: { permission: string }) {
  const { user } = useSession();
  usePageTitle('No access');
  const what = describePermission(permission);
  return (
    <section className="full-state" aria-labelledby="no-access-title">
      <LockIcon className="full-state-icon" />
      <h1 id="no-access-title">No access</h1>
      <p>
        Your role{user ? <> (<strong>{roleLabel(user.role)}</strong>)</> : null} does not include <strong>{what}</strong>.
        {' '}Ask an administrator if you need it for your work.
      </p>
      <p className="muted">Permission needed: <code>{permission}</code></p>
      <Link to="/" className="btn btn-primary">Go to the dashboard</Link>
    </section>
  );
}

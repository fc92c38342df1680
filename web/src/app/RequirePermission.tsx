import type { ReactNode } from 'react';
import { useSession } from './session';

/** Opening a department's URL without its permission shows a clear page, not an error or a blank. */
export function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const { can } = useSession();
  if (can(permission)) return <>{children}</>;
  return (
    <section className="no-access" role="alert">
      <h1>No access</h1>
      <p>Your role does not include <code>{permission}</code>. Ask an administrator if you need this department.</p>
    </section>
  );
}

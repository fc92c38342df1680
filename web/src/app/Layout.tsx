import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { LIFE_CYCLE, TOOLS } from './departments';
import { useSession } from './session';

/** Shell: navigation per department (with live counts, filled in by the stage-count hook) and the page. */
export function Layout({ children }: { children: ReactNode }) {
  const { user, can, signOut } = useSession();
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Back office">
        <NavLink to="/" end className="brand">Orderdeck</NavLink>
        <h2>Order Life Cycle</h2>
        <ul>
          {can('orders:view') && <li><NavLink to="/orders" end>View All Orders</NavLink></li>}
          {LIFE_CYCLE.filter((d) => can(d.permission)).map((d) => (
            <li key={d.path}><NavLink to={d.path}>{d.label}</NavLink></li>
          ))}
        </ul>
        <h2>Tools</h2>
        <ul>
          {TOOLS.filter((t) => can(t.permission)).map((t) => <li key={t.path}><NavLink to={t.path}>{t.label}</NavLink></li>)}
        </ul>
        <div className="who">{user?.name} <button type="button" onClick={() => void signOut()}>Sign out</button></div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, useLocation } from 'react-router';
import { LIFE_CYCLE, TOOLS } from './departments';
import { CloseIcon, LogoMark, MenuIcon, SignOutIcon } from './icons';
import { roleLabel, useSession, useUser } from './session';
import { departmentCount, refreshStageCounts, totalCount, useStageCounts } from './stage-counts';
import { formatCount, formatCountShort } from './format';

/**
 * The signed-in shell: the navigation (Order Life Cycle with live counts, Tools, who is signed in) and
 * the page. At tablet width the navigation collapses behind a Menu button; the nav landmark itself
 * (with the brand and the button) always stays on screen.
 */
export function Layout({ children }: { children: ReactNode }) {
  const { can, signOut } = useSession();
  const user = useUser();
  const { counts, failed } = useStageCounts();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const firstPath = useRef(location.pathname);

  // A new page: close the menu, refresh the counts (cheap: maintained counters; it also notices an
  // expired session as soon as the user moves on), and move focus to the content, so keyboard and
  // screen-reader users start at the page they opened rather than at the link they used. Not on first
  // load, and not when only the query changes (filters that update the URL must keep focus where it is).
  useEffect(() => {
    setMenuOpen(false);
    if (location.pathname === firstPath.current) return;
    firstPath.current = location.pathname;
    void refreshStageCounts();
    mainRef.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.pathname]);

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      toggleRef.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const lifeCycle = LIFE_CYCLE.filter((d) => can(d.permission));
  const tools = TOOLS.filter((t) => can(t.permission));

  return (
    <div className={`shell${menuOpen ? ' menu-open' : ''}`}>
      <a className="skip-link" href="#main" onClick={(event) => { event.preventDefault(); mainRef.current?.focus(); }}>
        Skip to main content
      </a>
      <nav className="sidebar" aria-label="Back office">
        <div className="sidebar-top">
          <Link to="/" className="brand"><LogoMark /> <span>Orderdeck</span></Link>
          <button ref={toggleRef} type="button" className="btn btn-ghost nav-toggle" aria-expanded={menuOpen} aria-controls="nav-menu"
            onClick={() => setMenuOpen((open) => !open)}>
            {menuOpen ? <CloseIcon /> : <MenuIcon />}<span>Menu</span>
          </button>
        </div>
        {/* Choosing a page closes the menu at once (before the route even changes). */}
        <div id="nav-menu" className="sidebar-menu" onClick={(event) => { if ((event.target as Element).closest('a')) setMenuOpen(false); }}>
          <ul className="nav-list">
            <li><NavLink to="/" end className="nav-link">Dashboard</NavLink></li>
          </ul>
          {(can('orders:view') || lifeCycle.length > 0) && (
            <NavSection title="Order Life Cycle" stale={failed && counts !== null}>
              {can('orders:view') && <NavItem to="/orders" label="View All Orders" count={totalCount(counts)} end />}
              {lifeCycle.map((d) => <NavItem key={d.path} to={d.path} label={d.label} count={departmentCount(counts, d)} />)}
            </NavSection>
          )}
          {tools.length > 0 && (
            <NavSection title="Tools">
              {tools.map((t) => <NavItem key={t.path} to={t.path} label={t.label} />)}
            </NavSection>
          )}
          <div className="sidebar-user">
            <span className="avatar" aria-hidden="true">{initials(user.name)}</span>
            <div className="sidebar-user-text">
              <span className="sidebar-user-name">{user.name}</span>
              <span className="sidebar-user-role">{roleLabel(user.role)}</span>
            </div>
            <button type="button" className="btn btn-ghost btn-sm sign-out" onClick={() => void signOut()}>
              <SignOutIcon /><span>Sign out</span>
            </button>
          </div>
        </div>
      </nav>
      <div className="nav-scrim" aria-hidden="true" onClick={() => setMenuOpen(false)} />
      <main id="main" ref={mainRef} className="content" tabIndex={-1}>{children}</main>
    </div>
  );
}

function NavSection({ title, stale = false, children }: { title: string; stale?: boolean; children: ReactNode }) {
  const id = `nav-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className="nav-section" aria-labelledby={id}>
      <h2 id={id} className="nav-heading">
        {title}
        {stale && <span className="nav-stale" title="The counts could not be refreshed; they may be out of date.">counts may be out of date</span>}
      </h2>
      <ul className="nav-list">{children}</ul>
    </section>
  );
}

function NavItem({ to, label, count, end = false }: { to: string; label: string; count?: number | null; end?: boolean }) {
  return (
    <li>
      <NavLink to={to} end={end} className="nav-link">
        <span className="nav-label">{label}</span>
        {count !== undefined && (
          count === null
            ? <span className="nav-count nav-count-pending" aria-hidden="true" />
            : <span className="nav-count" data-count={count} title={`${formatCount(count)} orders`}>
                <span aria-hidden="true">{formatCountShort(count)}</span>
                <span className="visually-hidden">, {formatCount(count)} {count === 1 ? 'order' : 'orders'}</span>
              </span>
        )}
      </NavLink>
    </li>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts.at(-1)![0]] : [parts[0]?.[0], parts[0]?.[1]];
  return letters.filter(Boolean).join('').toUpperCase() || '?';
}

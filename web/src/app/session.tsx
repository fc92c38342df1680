import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken, setUnauthenticatedHandler } from './api';

export interface SessionUser { id: number; email: string; name: string; role: string; permissions: string[] }
interface SessionOut { user: SessionUser; csrfToken: string | null }

interface SessionState {
  /** undefined while the first check runs; null when signed out. */
  user: SessionUser | null | undefined;
  can: (permission: string) => boolean;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);

  const adopt = useCallback((session: SessionOut | null) => {
    setCsrfToken(session?.csrfToken ?? null);
    setUser(session?.user ?? null);
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => adopt(null));
    // Any failure (401, server down) shows the sign-in page; it reports its own errors on submit.
    api<SessionOut>('/auth/session').then(adopt, () => adopt(null));
  }, [adopt]);

  const value = useMemo<SessionState>(() => ({
    user,
    can: (permission) => !!user?.permissions.includes(permission),
    signIn: async (email, password) => {
      adopt(await api<SessionOut>('/auth/login', { method: 'POST', body: { email, password } }));
    },
    signOut: async () => {
      try { await api('/auth/logout', { method: 'POST' }); } finally { adopt(null); }
    },
  }), [user, adopt]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { api, setCsrfToken, setUnauthenticatedHandler } from './api';
import { resetStageCounts } from './stage-counts';

export interface SessionUser { id: number; email: string; name: string; role: string; permissions: string[] }
interface SessionOut { user: SessionUser; csrfToken: string | null }

/** Why the sign-in page is showing: the session ended under the user (a 401), or they signed out. */
export type SignedOutReason = 'expired' | 'signed_out' | null;

interface SessionState {
  /** undefined while the first check runs; null when signed out. */
  user: SessionUser | null | undefined;
  signedOutReason: SignedOutReason;
  /** The session ended under a page that stays on screen: a sign-in dialog over it resumes it. */
  interrupted: boolean;
  /** Signs in from that dialog; the requests that met the 401 are then sent again. */
  resume: (email: string, password: string) => Promise<void>;
  can: (permission: string) => boolean;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/*
 * Remembers across reloads that this browser was signed in, so a page opened after the session ran out
 * (a reload, a bookmark, a new tab) says "your session has expired" rather than a bare sign-in form.
 * It holds no secret: the session itself is an httpOnly cookie.
 */
const SIGNED_IN_MARK = 'orderdeck.signedIn';
const mark = (signedIn: boolean) => {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN_MARK, '1');
    else localStorage.removeItem(SIGNED_IN_MARK);
  } catch { /* storage disabled: only the message after a reload is lost */ }
};
/** Whether this browser was signed in when last seen; null when storage cannot say. */
const wasSignedIn = (): boolean | null => {
  try { return localStorage.getItem(SIGNED_IN_MARK) === '1'; } catch { return null; }
};

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const [signedOutReason, setSignedOutReason] = useState<SignedOutReason>(null);
  const [interrupted, setInterrupted] = useState(false);
  const navigate = useNavigate();
  // Read by the 401 handler: a 401 that lands while signed out or signing out is no expiry.
  const signedIn = useRef(false);
  const userId = useRef<number | null>(null);
  // Every request that met a 401 waits on this until the user signs in again (true) or gives up (false).
  const waiting = useRef<{ promise: Promise<boolean>; settle: (resumed: boolean) => void } | null>(null);
  const settleWaiting = useCallback((resumed: boolean) => {
    waiting.current?.settle(resumed);
    waiting.current = null;
    setInterrupted(false);
  }, []);

  const adopt = useCallback((session: SessionOut | null, reason: SignedOutReason = null) => {
    setCsrfToken(session?.csrfToken ?? null);
    signedIn.current = session !== null;
    userId.current = session?.user.id ?? null;
    mark(session !== null);
    if (!session) resetStageCounts();
    setSignedOutReason(session ? null : reason);
    setUser(session?.user ?? null);
  }, []);

  useEffect(() => {
    // Any 401 while signed in: the session expired or was ended elsewhere. The page stays as it is (what
    // was typed included) under a sign-in dialog, and the requests that met the 401 wait to be sent again.
    setUnauthenticatedHandler(() => {
      if (!signedIn.current) return Promise.resolve(false);
      if (!waiting.current) {
        let settle: (resumed: boolean) => void = () => {};
        const promise = new Promise<boolean>((resolve) => { settle = resolve; });
        waiting.current = { promise, settle };
        setInterrupted(true);
      }
      return waiting.current.promise;
    });
    // Never signed in here (or signed out since): the sign-in page, without a request the browser would
    // log as a failed 401. Another tab's sign-in sets the same mark, so its session is still found.
    if (wasSignedIn() === false) {
      adopt(null);
      return;
    }
    const controller = new AbortController();
    api<SessionOut>('/auth/session', { signal: controller.signal }).then(
      (session) => adopt(session),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // 401 (or the server is down): the sign-in page reports its own errors on submit.
        adopt(null, wasSignedIn() === true && (error as { status?: number }).status === 401 ? 'expired' : null);
      },
    );
    return () => controller.abort();
  }, [adopt]);

  const value = useMemo<SessionState>(() => ({
    user,
    signedOutReason,
    interrupted,
    resume: async (email, password) => {
      const session = await api<SessionOut>('/auth/login', { method: 'POST', body: { email, password } });
      if (session.user.id === userId.current) {
        adopt(session);
        settleWaiting(true);
        return;
      }
      // Someone else: the page and its drafts were the previous user's, so they start on the dashboard.
      settleWaiting(false);
      navigate('/', { replace: true });
      adopt(session);
    },
    can: (permission) => !!user?.permissions.includes(permission),
    signIn: async (email, password) => {
      adopt(await api<SessionOut>('/auth/login', { method: 'POST', body: { email, password } }));
    },
    signOut: async () => {
      signedIn.current = false;
      settleWaiting(false);
      try {
        await api('/auth/logout', { method: 'POST' });
      } catch { /* the cookie may already be gone; signing out locally is what the user asked for */ }
      // The next person to sign in starts on the dashboard, not on the previous user's page.
      navigate('/', { replace: true });
      adopt(null, 'signed_out');
    },
  }), [user, signedOutReason, interrupted, adopt, navigate, settleWaiting]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user; for components that only render inside the signed-in shell. */
export function useUser(): SessionUser {
  const { user } = useSession();
  if (!user) throw new Error('useUser outside the signed-in shell');
  return user;
}

const ROLE_LABELS: Record<string, string> = {
  admin: 'Administrator', manager: 'Manager', customer_service: 'Customer service',
  fulfilment: 'Fulfilment', accounting: 'Accounting', read_only: 'Read only',
};
export const roleLabel = (role: string): string => ROLE_LABELS[role] ?? role.replace(/_/g, ' ');

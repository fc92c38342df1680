import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, NetworkError } from '../app/api';
import { LogoMark } from '../app/icons';
import { useSession } from '../app/session';
import { usePageTitle } from '../app/ui';

type Notice = { kind: 'error' | 'info' | 'warning'; text: string };

/** What went wrong, in words a person at the sign-in page can act on. */
function signInProblem(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Email or password is wrong';
    if (error.status === 429) {
      const seconds = Number(error.headers?.get('retry-after'));
      const wait = Number.isFinite(seconds) && seconds > 0
        ? (seconds <= 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`)
        : 'a few minutes';
      return `Too many failed sign-in attempts. Try again in ${wait}.`;
    }
    if (error.status >= 500) return 'Orderdeck could not sign you in because of a server problem. Try again in a moment.';
  }
  if (error instanceof NetworkError) return error.message;
  return 'Signing in did not work. Try again.';
}

export default function SignInPage() {
  const { signIn, signedOutReason } = useSession();
  usePageTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // Each failed attempt renders a fresh alert, so a screen reader announces a repeated message again.
  const [attempt, setAttempt] = useState(0);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => { emailRef.current?.focus(); }, []);

  const notice: Notice | null = problem
    ? { kind: 'error', text: problem }
    : signedOutReason === 'expired'
      ? { kind: 'warning', text: 'Your session has expired — sign in again' }
      : signedOutReason === 'signed_out'
        ? { kind: 'info', text: 'You have signed out.' }
        : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    if (!email.trim() || !password) {
      setProblem(!email.trim() ? 'Enter your email.' : 'Enter your password.');
      (!email.trim() ? emailRef : passwordRef).current?.focus();
      return;
    }
    setSubmitting(true);
    setProblem(null);
    try {
      await signIn(email.trim(), password);
      // Signed in: the session provider swaps this page for the one at the current URL.
    } catch (error) {
      setProblem(signInProblem(error));
      setAttempt((n) => n + 1);
      setSubmitting(false);
      if (error instanceof ApiError && error.status === 401) {
        setPassword('');
        passwordRef.current?.focus();
      }
    }
  };

  return (
    <main className="sign-in" id="main">
      <div className="sign-in-card">
        <div className="sign-in-brand"><LogoMark size={36} /><span>Orderdeck</span></div>
        <h1 className="sign-in-title">Sign in to the back office</h1>
        {notice && (
          <div key={attempt} className={`alert alert-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} id="sign-in-notice">
            {notice.text}
          </div>
        )}
        <form onSubmit={(event) => void submit(event)} noValidate aria-describedby={notice ? 'sign-in-notice' : undefined}>
          <div className="field">
            <label htmlFor="sign-in-email">Email</label>
            <input id="sign-in-email" ref={emailRef} className="input" type="email" name="email" autoComplete="username" inputMode="email"
              spellCheck={false} value={email} onChange={(e) => setEmail(e.target.value)} required
              aria-invalid={problem !== null && !email.trim() ? true : undefined} />
          </div>
          <div className="field">
            <label htmlFor="sign-in-password">Password</label>
            <input id="sign-in-password" ref={passwordRef} className="input" type="password" name="password" autoComplete="current-password"
              value={password} onChange={(e) => setPassword(e.target.value)} required
              aria-invalid={problem !== null && email.trim() !== '' && !password ? true : undefined} />
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={submitting} aria-busy={submitting || undefined}>
            {submitting && <span className="spinner spinner-light" aria-hidden="true" />}
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
      <p className="sign-in-footer">Orderdeck order management</p>
    </main>
  );
}

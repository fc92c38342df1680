import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, NetworkError } from './api';

export type Notice = { kind: 'error' | 'info' | 'warning'; text: string };

/** What went wrong, in words a person signing in can act on. */
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

interface Props {
  /** Shown above the fields until an attempt fails ("Your session has expired — sign in again"). */
  notice: Notice | null;
  initialEmail?: string;
  /** Signs in; a rejection is explained above the fields. */
  onSignIn: (email: string, password: string) => Promise<void>;
}

/** Email, password and the button: the sign-in page's form, and the dialog's when a session ends under a page. */
export function SignInForm({ notice, initialEmail = '', onSignIn }: Props) {
  const id = useId();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // Each failed attempt renders a fresh alert, so a screen reader announces a repeated message again.
  const [attempt, setAttempt] = useState(0);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => { (initialEmail ? passwordRef : emailRef).current?.focus(); }, [initialEmail]);

  const shown: Notice | null = problem ? { kind: 'error', text: problem } : notice;

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
      await onSignIn(email.trim(), password);
      // Signed in: the session provider takes it from here (this form is unmounted).
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
    <>
      {shown && (
        <div key={attempt} className={`alert alert-${shown.kind}`} role={shown.kind === 'error' ? 'alert' : 'status'} id={`${id}-notice`}>
          {shown.text}
        </div>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate aria-describedby={shown ? `${id}-notice` : undefined}>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} ref={emailRef} className="input" type="email" name="email" autoComplete="username" inputMode="email"
            spellCheck={false} value={email} onChange={(e) => setEmail(e.target.value)} required
            aria-invalid={problem !== null && !email.trim() ? true : undefined} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input id={`${id}-password`} ref={passwordRef} className="input" type="password" name="password" autoComplete="current-password"
            value={password} onChange={(e) => setPassword(e.target.value)} required
            aria-invalid={problem !== null && email.trim() !== '' && !password ? true : undefined} />
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={submitting} aria-busy={submitting || undefined}>
          {submitting && <span className="spinner spinner-light" aria-hidden="true" />}
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </>
  );
}

import { useEffect, useId, useRef } from 'react';
import { useSession, useUser } from './session';
import { SignInForm } from './SignInForm';

/**
 * Over the page when its session ends (expired, or signed out in another tab): the page stays mounted, so
 * what was typed survives, and the requests that met the 401 are sent again once the user signs in. A
 * modal <dialog> keeps focus here; Escape does not close it, as nothing works until it is answered.
 */
export function SessionExpiredDialog() {
  const { resume, signOut } = useSession();
  const user = useUser();
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog ref={ref} className="session-dialog" aria-labelledby={`${id}-t`} onCancel={(e) => e.preventDefault()}>
      <h2 id={`${id}-t`}>Sign in to continue</h2>
      <SignInForm initialEmail={user.email} onSignIn={resume}
        notice={{ kind: 'warning', text: 'Your session has expired — sign in again. This page and what you typed are kept; what you were doing continues once you are signed in.' }} />
      <button type="button" className="btn btn-link session-dialog-out" onClick={() => void signOut()}>Sign out instead</button>
    </dialog>
  );
}

import { LogoMark } from '../app/icons';
import { useSession } from '../app/session';
import { SignInForm, type Notice } from '../app/SignInForm';
import { usePageTitle } from '../app/ui';

export default function SignInPage() {
  const { signIn, signedOutReason } = useSession();
  usePageTitle('Sign in');
  const notice: Notice | null = signedOutReason === 'expired'
    ? { kind: 'warning', text: 'Your session has expired — sign in again' }
    : signedOutReason === 'signed_out'
      ? { kind: 'info', text: 'You have signed out.' }
      : null;

  return (
    <main className="sign-in" id="main">
      <div className="sign-in-card">
        <div className="sign-in-brand"><LogoMark size={36} /><span>Orderdeck</span></div>
        <h1 className="sign-in-title">Sign in to the back office</h1>
        <SignInForm notice={notice} onSignIn={signIn} />
      </div>
      <p className="sign-in-footer">Orderdeck order management</p>
    </main>
  );
}

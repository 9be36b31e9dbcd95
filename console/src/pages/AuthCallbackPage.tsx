/**
 * Where the Cognito managed login returns (`/auth/callback?code=...&state=...`): the code is
 * redeemed for the ID token, which becomes the session, and the user goes on where they wanted.
 */
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { homeFor } from '../app.tsx';
import { localPath, redeemCallback, SignInError } from '../auth/managed-login.ts';
import { useSignInConfig } from '../auth/sign-in-config.ts';
import { Loading } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { nameFromToken, sessionFromToken, useSession } from '../session.tsx';

export function AuthCallbackPage() {
  const config = useSignInConfig();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<string | undefined>();

  useEffect(() => {
    if (config.signIn !== 'cognito') {
      setFailure('This console signs in with the demo users of the local cloud, not through a sign-in page.');
      return;
    }
    let current = true;
    redeemCallback(config, window.location.search)
      .then(({ idToken, next }) => {
        const session = sessionFromToken(idToken, nameFromToken(idToken));
        if (!session) {
          throw new SignInError(
            'Your account has no role in this console (trader, customs officer or administrator): ask an administrator.',
          );
        }
        if (!current) return;
        signIn(session);
        navigate(localPath(next) ?? homeFor(session), { replace: true });
      })
      .catch((error: unknown) => {
        if (current) setFailure(error instanceof SignInError ? error.message : 'The sign-in could not be completed.');
      });
    return () => {
      current = false;
    };
  }, [config, signIn, navigate]);

  if (!failure) return <Loading>Signing in…</Loading>;
  return (
    <div className="narrow">
      <PageHeading title="Sign-in failed" />
      <p className="error-panel" role="alert">
        {failure}
      </p>
      <p>
        <Link to="/sign-in">Sign in again</Link>
      </p>
    </div>
  );
}

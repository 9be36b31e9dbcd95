/**
 * Sign-in of the deployed console: off to the Cognito managed login (authorization code with
 * PKCE), which comes back to `/auth/callback` (AuthCallbackPage).
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { authorizationUrl } from '../auth/managed-login.ts';
import type { CognitoSignInConfig } from '../auth/sign-in-config.ts';
import { PageHeading } from '../components/PageHeading.tsx';

export function CognitoSignInPage({ config }: { config: CognitoSignInConfig }) {
  const [params] = useSearchParams();
  const [leaving, setLeaving] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();

  const start = async (): Promise<void> => {
    setLeaving(true);
    setFailure(undefined);
    try {
      window.location.assign(await authorizationUrl(config, params.get('next')));
    } catch {
      setLeaving(false);
      setFailure('This browser cannot start a secure sign-in (no Web Crypto). Use a current browser.');
    }
  };

  return (
    <div className="narrow">
      <PageHeading title="Sign in" />
      <p>
        Sign in with your customs account: the sign-in page of the customs platform asks for your e-mail address and password (and your
        authenticator code, if you set one up), then brings you back here.
      </p>
      {failure && (
        <p className="error-panel" role="alert">
          {failure}
        </p>
      )}
      <button
        type="button"
        className="primary"
        disabled={leaving}
        onClick={() => {
          void start();
        }}
      >
        {leaving ? 'Going to the sign-in page…' : 'Continue to sign-in'}
      </button>
    </div>
  );
}

/**
 * The sign-in page. Deployed, it leads to the Cognito managed login (CognitoSignInPage). Locally:
 * pick one of the local cloud's demo users and get a token from its token endpoint
 * (`POST /local/token`, which answers only to this machine).
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import * as z from 'zod';
import { type DemoUser, useDemoUsers } from '../api/hooks.ts';
import { homeFor } from '../app.tsx';
import { useSignInConfig } from '../auth/sign-in-config.ts';
import { ErrorPanel, Loading } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { sessionFromToken, useSession } from '../session.tsx';
import { CognitoSignInPage } from './CognitoSignInPage.tsx';

const signInSchema = z.object({ username: z.string({ error: 'Choose who to sign in as' }).min(1, 'Choose who to sign in as') });
type SignInForm = z.infer<typeof signInSchema>;

const roleOrder = { officer: 0, trader: 1, admin: 2 } as const;

export function SignInPage() {
  const config = useSignInConfig();
  const { session } = useSession();
  if (session) return <Navigate to={homeFor(session)} replace />;
  return config.signIn === 'cognito' ? <CognitoSignInPage config={config} /> : <LocalSignIn />;
}

function LocalSignIn() {
  const { session, signIn } = useSession();
  const users = useDemoUsers();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [failure, setFailure] = useState<string | undefined>();
  const form = useForm<SignInForm>({ resolver: zodResolver(signInSchema), defaultValues: { username: '' } });
  const errorMessage = form.formState.errors.username?.message;

  if (session) return <Navigate to={homeFor(session)} replace />;

  const submit = form.handleSubmit(async ({ username }) => {
    const user = users.data?.find((candidate) => candidate.username === username);
    if (!user) return;
    setFailure(undefined);
    try {
      const response = await fetch('/local/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(user.party ? { role: user.role, party: user.party } : { role: user.role }),
      });
      const answer = (await response.json().catch(() => ({}))) as { token?: string; message?: string };
      const next = answer.token ? sessionFromToken(answer.token, user.name) : undefined;
      if (!response.ok || !next) {
        setFailure(
          `The token endpoint refused (${response.status}): ${answer.message ?? 'no token'}. Open the console at http://127.0.0.1:3000 on this machine.`,
        );
        return;
      }
      signIn(next);
      const wanted = params.get('next');
      navigate(wanted?.startsWith('/') && !wanted.startsWith('//') ? wanted : homeFor(next), { replace: true });
    } catch {
      setFailure('The local cloud did not answer. Check that npm start is running, then try again.');
    }
  });

  const sorted = [...(users.data ?? [])].sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.name.localeCompare(b.name));

  return (
    <div className="narrow">
      <PageHeading title="Sign in" />
      <p>
        This is the local cloud: there are no passwords. Choose one of the demo users; the local token endpoint issues a token like the one
        Cognito issues in a deployed region.
      </p>
      {users.isPending && <Loading>Loading the demo users…</Loading>}
      {users.isError && (
        <ErrorPanel
          title="The demo users could not be loaded"
          error={users.error}
          onRetry={() => {
            void users.refetch();
          }}
        />
      )}
      {users.data && (
        <form onSubmit={submit} noValidate>
          <fieldset aria-describedby={errorMessage ? 'sign-in-error' : undefined}>
            <legend>Sign in as</legend>
            {errorMessage && (
              <p className="field-error" id="sign-in-error">
                <span className="visually-hidden">Error: </span>
                {errorMessage}
              </p>
            )}
            <ul className="choice-list">
              {sorted.map((user) => (
                <li key={user.username}>
                  <UserChoice user={user} register={form.register('username')} />
                </li>
              ))}
            </ul>
          </fieldset>
          {failure && (
            <p className="error-panel" role="alert">
              {failure}
            </p>
          )}
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      )}
    </div>
  );
}

function UserChoice({ user, register }: { user: DemoUser; register: ReturnType<ReturnType<typeof useForm<SignInForm>>['register']> }) {
  const id = `user-${user.username}`;
  const role = user.role === 'trader' ? `Trader, EORI ${user.party ?? ''}` : user.role === 'officer' ? 'Customs officer' : 'Administrator';
  return (
    <div className="choice">
      <input type="radio" id={id} value={user.username} {...register} />
      <label htmlFor={id}>
        <span className="choice-name">{user.name}</span>
        <span className="choice-detail">{role}</span>
      </label>
    </div>
  );
}

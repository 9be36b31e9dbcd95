/** Loading, error and success messages: each says what is happening or what to do next. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { useSession } from '../session.tsx';

export function Loading({ children }: { children: ReactNode }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {children}
    </p>
  );
}

/** What to do about a failed call, in plain words. */
export function adviceFor(error: unknown): string {
  if (!(error instanceof ApiError))
    return 'Something went wrong in the console. Reload the page; if it happens again, report it with what you did.';
  if (error.kind === 'network') return 'The API did not answer. Check that the local cloud is running (npm start) and try again.';
  if (error.kind === 'unexpected-answer') return 'The console and the API may be different versions. Reload the page.';
  switch (error.status) {
    case 400:
    case 422:
      return 'Correct what is listed and try again.';
    case 401:
      return 'Your sign-in has expired or is no longer valid. Sign in again.';
    case 403:
      return 'Your role may not do this. Sign in as a user with the right role.';
    case 404:
      return 'There is no such declaration that you may see. Check the link, or go back to the list.';
    case 409:
      return 'Someone else is working on it, or it is no longer in a state that allows this. Reload to see where it stands.';
    case 412:
      return 'It changed since you read it. Reload, check what changed, and try again.';
    case 413:
      return 'That is more than the API accepts in one request. Shorten the text and try again.';
    default:
      return error.status >= 500
        ? 'The platform could not answer. Try again in a moment; if it keeps failing, look at the local cloud output.'
        : 'Try again; if it keeps failing, reload the page.';
  }
}

export function ErrorPanel({
  title,
  error,
  onRetry,
  advice,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
  /** What to do, when the page knows better than the status code (e.g. a 404 of something other than a declaration). */
  advice?: string | undefined;
}) {
  const { signOut } = useSession();
  const problems = error instanceof ApiError ? error.problems : [];
  const heading = error instanceof ApiError && error.status > 0 ? `${title} (${error.status} ${error.title})` : title;
  return (
    <div className="error-panel" role="alert">
      <p className="error-title">{heading}</p>
      {problems.length > 0 && (
        <ul>
          {problems.map((problem) => (
            <li key={`${problem.pointer}:${problem.code}:${problem.message}`}>
              {problem.pointer ? <code>{problem.pointer}</code> : null} {problem.message}
            </li>
          ))}
        </ul>
      )}
      <p>{advice ?? adviceFor(error)}</p>
      <div className="button-row">
        {onRetry && (
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        )}
        {error instanceof ApiError && error.status === 401 && (
          <button type="button" onClick={signOut}>
            Sign in again
          </button>
        )}
      </div>
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

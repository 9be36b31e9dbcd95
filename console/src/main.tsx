// First, before any schema exists: no `new Function` under the Content-Security-Policy.
import './jitless.ts';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app.tsx';
import { signOutUrl } from './auth/managed-login.ts';
import { loadSignInConfig, SignInConfigContext } from './auth/sign-in-config.ts';
import { SessionProvider } from './session.tsx';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: true } },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

// How to sign in (config.json: the local demo users, or the Cognito managed login when deployed).
const signInConfig = await loadSignInConfig().catch((error: unknown) => {
  root.textContent = `The console cannot start: ${error instanceof Error ? error.message : String(error)}`;
  throw error;
});

/** Signing out of the console also ends the managed login's session, or the next sign-in would skip the password. */
function onSignOut(): void {
  queryClient.clear();
  if (signInConfig.signIn === 'cognito') window.location.assign(signOutUrl(signInConfig));
}

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SignInConfigContext value={signInConfig}>
        <SessionProvider onSignOut={onSignOut}>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </SessionProvider>
      </SignInConfigContext>
    </QueryClientProvider>
  </StrictMode>,
);

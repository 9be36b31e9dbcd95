/**
 * Sign-in with the Cognito managed login: the OAuth 2.0 authorization code grant with PKCE
 * (RFC 7636, S256) for a public client, on WebCrypto alone. The state and the code verifier wait
 * in sessionStorage (this tab only) between the redirect to the managed login and its return to
 * `/auth/callback`; the code is exchanged at `<authority>/oauth2/token` without a client secret.
 */
import type { CognitoSignInConfig } from './sign-in-config.ts';

const PENDING_KEY = 'customs-console.pending-sign-in';

interface PendingSignIn {
  state: string;
  verifier: string;
  /** Where to go once signed in. */
  next: string;
}

/** A sign-in that cannot go on, with a message for the user. */
export class SignInError extends Error {
  override name = 'SignInError';
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomToken(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** BASE64URL(SHA-256(verifier)): the S256 code challenge. */
export async function codeChallenge(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** A path of this console (`/review?lane=RED`), never another origin (`//evil.example`). */
export function localPath(wanted: string | null | undefined): string | undefined {
  return wanted?.startsWith('/') && !wanted.startsWith('//') ? wanted : undefined;
}

/** The managed login's authorize URL for a new sign-in, after remembering its state and verifier. */
export async function authorizationUrl(config: CognitoSignInConfig, next: string | null | undefined): Promise<string> {
  // 32 random bytes: a 43-character verifier, the shortest RFC 7636 allows, with 256 bits of entropy.
  const pending: PendingSignIn = { state: randomToken(16), verifier: randomToken(32), next: localPath(next) ?? '' };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL('/oauth2/authorize', config.authority);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email profile',
    state: pending.state,
    code_challenge: await codeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

function takePending(): PendingSignIn | undefined {
  const text = sessionStorage.getItem(PENDING_KEY);
  // One use: a replayed or second callback finds nothing.
  sessionStorage.removeItem(PENDING_KEY);
  try {
    const pending = text ? (JSON.parse(text) as Partial<PendingSignIn>) : undefined;
    return pending && typeof pending.state === 'string' && typeof pending.verifier === 'string'
      ? { state: pending.state, verifier: pending.verifier, next: typeof pending.next === 'string' ? pending.next : '' }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The callback of a sign-in (its query string): checks the state, redeems the code, gives the ID token. */
async function redeem(config: CognitoSignInConfig, search: string): Promise<{ idToken: string; next: string }> {
  const params = new URLSearchParams(search);
  const error = params.get('error');
  if (error) {
    takePending();
    throw new SignInError(`The sign-in page answered: ${params.get('error_description') ?? error}.`);
  }
  const code = params.get('code');
  const pending = takePending();
  // A callback this tab did not start (a forged or replayed link) is refused before the code is used.
  if (!code || !pending || params.get('state') !== pending.state) {
    throw new SignInError('This sign-in was not started here, or it was already used.');
  }
  let response: Response;
  try {
    response = await fetch(new URL('/oauth2/token', config.authority), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code,
        redirect_uri: config.redirectUri,
        code_verifier: pending.verifier,
      }),
    });
  } catch {
    throw new SignInError('The sign-in service did not answer.');
  }
  const answer = (await response.json().catch(() => ({}))) as { id_token?: unknown; error?: unknown; error_description?: unknown };
  if (!response.ok || typeof answer.id_token !== 'string') {
    const reason =
      typeof answer.error_description === 'string' ? answer.error_description : String(answer.error ?? `HTTP ${response.status}`);
    throw new SignInError(`The sign-in service refused the sign-in (${reason}).`);
  }
  return { idToken: answer.id_token, next: pending.next };
}

const redemptions = new Map<string, Promise<{ idToken: string; next: string }>>();

/** `redeem`, once per callback: React's StrictMode runs the callback page's effect twice in development. */
export function redeemCallback(config: CognitoSignInConfig, search: string): Promise<{ idToken: string; next: string }> {
  let redemption = redemptions.get(search);
  if (!redemption) {
    redemption = redeem(config, search);
    redemptions.set(search, redemption);
  }
  return redemption;
}

/** The managed login's sign-out, which returns to the console's sign-in page. */
export function signOutUrl(config: CognitoSignInConfig): string {
  const url = new URL('/logout', config.authority);
  url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: config.logoutUri }).toString();
  return url.toString();
}

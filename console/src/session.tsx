/**
 * Who is signed in: the ID token (Cognito's, or the local cloud's shaped like it) and what it says. Kept
 * in sessionStorage, so it lasts as long as the browser tab; the Content-Security-Policy keeps
 * other scripts away from it.
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { type Role, roles } from '#shared/domain/auth.ts';

export interface Session {
  token: string;
  role: Role;
  /** The trader's EORI (`custom:party_id`); null for officers and admins. */
  party: string | null;
  /** The token's subject: what the API records as the officer id of a claim or decision. */
  subject: string;
  /** Who this is, for the header. */
  name: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const STORAGE_KEY = 'customs-console.session';

/** The claims of a JWT, unverified (the API verifies it; the console only reads who it names). */
function claimsOf(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function sessionFromToken(token: string, name: string): Session | undefined {
  const claims = claimsOf(token);
  if (!claims) return undefined;
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  const role = roles.find((candidate) => groups.includes(candidate));
  const { sub, exp } = claims;
  if (!role || typeof sub !== 'string' || typeof exp !== 'number') return undefined;
  const party = typeof claims['custom:party_id'] === 'string' ? claims['custom:party_id'] : null;
  return { token, role, party, subject: sub, name, expiresAt: exp * 1000 };
}

/** Who a Cognito ID token names, for the header: given and family name, else the e-mail address. */
export function nameFromToken(token: string): string {
  const claims = claimsOf(token) ?? {};
  const text = (key: string): string => (typeof claims[key] === 'string' ? (claims[key] as string) : '');
  return [text('given_name'), text('family_name')].filter(Boolean).join(' ') || text('name') || text('email') || 'Signed in';
}

function stored(): Session | undefined {
  try {
    const text = sessionStorage.getItem(STORAGE_KEY);
    if (!text) return undefined;
    const { token, name } = JSON.parse(text) as { token?: unknown; name?: unknown };
    if (typeof token !== 'string' || typeof name !== 'string') return undefined;
    const session = sessionFromToken(token, name);
    return session && session.expiresAt > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

interface SessionContextValue {
  session: Session | undefined;
  signIn(session: Session): void;
  signOut(): void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function SessionProvider({ children, onSignOut }: { children: ReactNode; onSignOut: () => void }) {
  const [session, setSession] = useState<Session | undefined>(stored);
  const signIn = useCallback((next: Session) => {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token: next.token, name: next.name }));
    setSession(next);
  }, []);
  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setSession(undefined);
    onSignOut();
  }, [onSignOut]);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in session; only for pages behind RequireRole. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useSignedIn outside RequireRole');
  return session;
}

export const isCustoms = (session: Session | undefined): boolean => session?.role === 'officer' || session?.role === 'admin';

/**
 * How the console signs in, read from `/config.json` beside index.html: `{ "signIn": "local" }`
 * in the local cloud (the demo users of `npm start`), or the Cognito managed login of a deployed
 * stack, written there by its deployment (`infra/constructs/console-site.ts`).
 */
import { createContext, useContext } from 'react';
import * as z from 'zod';

const localSchema = z.object({ signIn: z.literal('local') });

const cognitoSchema = z.object({
  signIn: z.literal('cognito'),
  /** The managed login, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  authority: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1),
  redirectUri: z.url({ protocol: /^https?$/ }),
  logoutUri: z.url({ protocol: /^https?$/ }),
});

const signInConfigSchema = z.discriminatedUnion('signIn', [localSchema, cognitoSchema]);

export type SignInConfig = z.infer<typeof signInConfigSchema>;
export type CognitoSignInConfig = z.infer<typeof cognitoSchema>;

const LOCAL: SignInConfig = { signIn: 'local' };

/** The console's sign-in; local when there is no `config.json` (the Vite dev server of an older checkout). Throws on a malformed one. */
export async function loadSignInConfig(): Promise<SignInConfig> {
  const response = await fetch('/config.json', { headers: { accept: 'application/json' }, cache: 'no-cache' });
  if (response.status === 404) return LOCAL;
  if (!response.ok) throw new Error(`config.json could not be read (HTTP ${response.status})`);
  const parsed = signInConfigSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new Error(`config.json is not a sign-in configuration: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export const SignInConfigContext = createContext<SignInConfig>(LOCAL);

export function useSignInConfig(): SignInConfig {
  return useContext(SignInConfigContext);
}

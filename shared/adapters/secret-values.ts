/**
 * Secret values, read through Powertools' secrets provider (cached for five minutes) with the
 * platform's own Secrets Manager client, so that the local cloud checks and records these reads
 * against the function's `access.secrets` like every other AWS call. Each reader keeps its own
 * cache: the adapters make one each, in the function that uses them, so that in the local cloud
 * (every function in one process) a function never reads another function's cached secret.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { secretsManagerClient } from './aws-clients.ts';

export type SecretReader = (secretId: string) => Promise<string | undefined>;

/** A reader of secret string values (undefined when a secret has none), with its own cache. */
export function secretReader(): SecretReader {
  let provider: SecretsProvider | undefined;
  return async (secretId) => {
    provider ??= new SecretsProvider({ awsSdkV3Client: secretsManagerClient() });
    const value = await provider.get(secretId, { maxAge: 300 });
    return typeof value === 'string' ? value : undefined;
  };
}

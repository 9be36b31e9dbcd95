/** POST /v1/traders/me/keys: a trader registers a public signing key for its party. */
import { signingKeys } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { registerSigningKeyOperation } from '#shared/http/operations/traders.ts';
import { json } from '#shared/http/responses.ts';
import { registerSigningKey } from '#shared/usecases/manage-signing-keys.ts';

const deps = { keys: signingKeys(loadConfig('registerSigningKey')), clock: systemClock };

export const handler = httpOperation(registerSigningKeyOperation, async ({ principal, body }) => {
  const { key, created } = await registerSigningKey({ principal, input: body }, deps);
  return json(created ? 201 : 200, key, { location: `/v1/traders/me/keys/${key.kid}` });
});

/** DELETE /v1/traders/me/keys/{kid}: the trader revokes one of its signing keys (kept, marked revoked). */
import { signingKeys } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { revokeSigningKeyOperation } from '#shared/http/operations/traders.ts';
import { json } from '#shared/http/responses.ts';
import { revokeSigningKey } from '#shared/usecases/manage-signing-keys.ts';

const deps = { keys: signingKeys(loadConfig('revokeSigningKey')), clock: systemClock };

export const handler = httpOperation(revokeSigningKeyOperation, async ({ principal, path }) =>
  json(200, await revokeSigningKey({ principal, kid: path.kid }, deps)),
);

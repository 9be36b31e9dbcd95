/** GET /v1/traders/me/keys: the trader's signing keys, active and revoked. */
import { signingKeys } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listSigningKeysOperation } from '#shared/http/operations/traders.ts';
import { json } from '#shared/http/responses.ts';
import { listOwnSigningKeys } from '#shared/usecases/manage-signing-keys.ts';

const deps = { keys: signingKeys(loadConfig('listSigningKeys')) };

export const handler = httpOperation(listSigningKeysOperation, async ({ principal }) =>
  json(200, await listOwnSigningKeys({ principal }, deps)),
);

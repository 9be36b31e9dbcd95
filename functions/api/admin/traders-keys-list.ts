/** GET /v1/admin/traders/{partyId}/keys: a party's signing keys (officer, admin). */
import { signingKeys } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listTraderSigningKeysOperation } from '#shared/http/operations/admin.ts';
import { json } from '#shared/http/responses.ts';
import { listPartySigningKeys } from '#shared/usecases/manage-signing-keys.ts';

const deps = { keys: signingKeys(loadConfig('listTraderSigningKeys')) };

export const handler = httpOperation(listTraderSigningKeysOperation, async ({ principal, path }) =>
  json(200, await listPartySigningKeys({ principal, partyId: path.partyId }, deps)),
);

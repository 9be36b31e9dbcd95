/** GET /v1/permits/{id}: a permit and the declarations that drew on it, for its holder, its agency and customs. */
import { permitStore } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getPermitOperation } from '#shared/http/operations/permits.ts';
import { json } from '#shared/http/responses.ts';
import { getPermit } from '#shared/usecases/manage-permits.ts';

const deps = { permits: permitStore(loadConfig('getPermit')) };

export const handler = httpOperation(getPermitOperation, async ({ principal, path }) =>
  json(200, await getPermit({ principal, id: path.id }, deps)),
);

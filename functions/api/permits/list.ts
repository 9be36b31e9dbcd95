/** GET /v1/permits: a trader's permits, an agency's; officers and admins name the agency or the holder. */
import { permitStore } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listPermitsOperation } from '#shared/http/operations/permits.ts';
import { json } from '#shared/http/responses.ts';
import { listPermits } from '#shared/usecases/manage-permits.ts';

const deps = { permits: permitStore(loadConfig('listPermits')) };

export const handler = httpOperation(listPermitsOperation, async ({ principal, query }) =>
  json(200, await listPermits({ principal, agency: query.agency, holder: query.holder }, deps)),
);

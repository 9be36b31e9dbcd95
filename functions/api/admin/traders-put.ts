/** PUT /v1/admin/traders/{partyId}: set a trader's AEO / trusted-trader status (admin). */

import { riskStore } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { setTraderStatusOperation } from '#shared/http/operations/admin.ts';
import { json } from '#shared/http/responses.ts';
import { setTraderStatus } from '#shared/usecases/manage-traders.ts';

const config = loadConfig('setTraderStatus');

const deps = { traders: riskStore(config) };

export const handler = httpOperation(setTraderStatusOperation, async ({ principal, path, body }) =>
  json(200, await setTraderStatus({ principal, partyId: path.partyId, input: body }, deps)),
);

/** GET /v1/admin/traders/{partyId}: a trader's status and compliance history (officer, admin). */

import { riskStore } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getTraderProfileOperation } from '#shared/http/operations/admin.ts';
import { json } from '#shared/http/responses.ts';
import { getTraderProfile } from '#shared/usecases/manage-traders.ts';

const config = loadConfig('getTraderProfile');

const deps = { traders: riskStore(config) };

export const handler = httpOperation(getTraderProfileOperation, async ({ principal, path }) =>
  json(200, await getTraderProfile({ principal, partyId: path.partyId }, deps)),
);

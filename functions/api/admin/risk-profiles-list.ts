/** GET /v1/admin/risk-profiles: the current version of every risk profile. */

import { riskStore } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listRiskProfilesOperation } from '#shared/http/operations/risk-profiles.ts';
import { json } from '#shared/http/responses.ts';
import { listRiskProfiles } from '#shared/usecases/manage-risk-profiles.ts';

const config = loadConfig('listRiskProfiles');

const deps = { profiles: riskStore(config) };

export const handler = httpOperation(listRiskProfilesOperation, async ({ principal }) =>
  json(200, await listRiskProfiles({ principal }, deps)),
);

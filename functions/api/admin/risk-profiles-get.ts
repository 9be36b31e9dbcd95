/** GET /v1/admin/risk-profiles/{id}: every version of one risk profile, oldest first. */

import { riskStore } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getRiskProfileOperation } from '#shared/http/operations/risk-profiles.ts';
import { json } from '#shared/http/responses.ts';
import { getRiskProfileVersions } from '#shared/usecases/manage-risk-profiles.ts';

const config = loadConfig('getRiskProfile');

const deps = { profiles: riskStore(config) };

export const handler = httpOperation(getRiskProfileOperation, async ({ principal, path }) =>
  json(200, await getRiskProfileVersions({ principal, id: path.id }, deps)),
);

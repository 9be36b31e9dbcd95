/** POST /v1/admin/risk-profiles/dry-run?days=7&limit=1000: how many recent declarations a draft profile would select. */

import { declarationBodies, declarationReader, riskDataSources } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { dryRunRiskProfileOperation } from '#shared/http/operations/risk-profiles.ts';
import { json } from '#shared/http/responses.ts';
import { dryRunRiskProfile } from '#shared/usecases/manage-risk-profiles.ts';

const config = loadConfig('dryRunRiskProfile');

const deps = { repository: declarationReader(config, declarationBodies(config)), clock: systemClock, ...riskDataSources(config) };

export const handler = httpOperation(dryRunRiskProfileOperation, async ({ principal, query, body }) =>
  json(200, await dryRunRiskProfile({ principal, body, ...query }, deps)),
);

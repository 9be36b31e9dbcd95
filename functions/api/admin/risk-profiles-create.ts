/** POST /v1/admin/risk-profiles: an officer or admin creates a risk profile (version 1). */

import { riskStore } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { createRiskProfileOperation } from '#shared/http/operations/risk-profiles.ts';
import { json } from '#shared/http/responses.ts';
import { createRiskProfile } from '#shared/usecases/manage-risk-profiles.ts';

const config = loadConfig('createRiskProfile');

const deps = { profiles: riskStore(config), clock: systemClock };

export const handler = httpOperation(createRiskProfileOperation, async ({ principal, body }) => {
  const profile = await createRiskProfile({ principal, body }, deps);
  return json(201, profile, { location: `/v1/admin/risk-profiles/${profile.id}`, etag: `"${profile.version}"` });
});

/** POST /v1/admin/risk-profiles/{id}/disable: a new version with enabled false. */

import { riskStore } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { disableRiskProfileOperation } from '#shared/http/operations/risk-profiles.ts';
import { json } from '#shared/http/responses.ts';
import { disableRiskProfile } from '#shared/usecases/manage-risk-profiles.ts';

const config = loadConfig('disableRiskProfile');

const deps = { profiles: riskStore(config), clock: systemClock };

export const handler = httpOperation(disableRiskProfileOperation, async ({ principal, path, headers }) => {
  const profile = await disableRiskProfile({ principal, id: path.id, expectedVersion: headers['If-Match'] }, deps);
  return json(200, profile, { etag: `"${profile.version}"` });
});

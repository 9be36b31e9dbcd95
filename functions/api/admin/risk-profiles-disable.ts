/** POST /v1/admin/risk-profiles/{id}/disable: a new version with enabled false. */
import { riskDataSources } from '../../../shared/adapters/platform.ts';
import { systemClock } from '../../../shared/adapters/system-clock.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { ifMatchVersion, pathParameter } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { disableRiskProfile } from '../../../shared/usecases/manage-risk-profiles.ts';

const deps = { profiles: riskDataSources().profiles, clock: systemClock };

export const handler = httpHandler(async (event) => {
  const profile = await disableRiskProfile(
    { principal: principalFromEvent(event), id: pathParameter(event, 'id'), expectedVersion: ifMatchVersion(event) },
    deps,
  );
  return json(200, profile, { etag: `"${profile.version}"` });
});

/** POST /v1/admin/risk-profiles: an officer or admin creates a risk profile (version 1). */
import { riskDataSources } from '../../../shared/adapters/platform.ts';
import { systemClock } from '../../../shared/adapters/system-clock.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { jsonBody } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { createRiskProfile } from '../../../shared/usecases/manage-risk-profiles.ts';

const deps = { profiles: riskDataSources().profiles, clock: systemClock };

export const handler = httpHandler(async (event) => {
  const profile = await createRiskProfile({ principal: principalFromEvent(event), body: jsonBody(event) }, deps);
  return json(201, profile, { location: `/v1/admin/risk-profiles/${profile.id}`, etag: `"${profile.version}"` });
});

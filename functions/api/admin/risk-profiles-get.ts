/** GET /v1/admin/risk-profiles/{id}: every version of one risk profile, oldest first. */
import { riskDataSources } from '../../../shared/adapters/platform.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { pathParameter } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { getRiskProfileVersions } from '../../../shared/usecases/manage-risk-profiles.ts';

const deps = { profiles: riskDataSources().profiles };

export const handler = httpHandler(async (event) =>
  json(200, await getRiskProfileVersions({ principal: principalFromEvent(event), id: pathParameter(event, 'id') }, deps)),
);

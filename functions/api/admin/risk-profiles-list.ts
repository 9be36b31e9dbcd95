/** GET /v1/admin/risk-profiles: the current version of every risk profile. */
import { riskDataSources } from '../../../shared/adapters/platform.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { json } from '../../../shared/http/responses.ts';
import { listRiskProfiles } from '../../../shared/usecases/manage-risk-profiles.ts';

const deps = { profiles: riskDataSources().profiles };

export const handler = httpHandler(async (event) => json(200, await listRiskProfiles({ principal: principalFromEvent(event) }, deps)));

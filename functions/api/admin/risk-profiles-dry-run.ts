/** POST /v1/admin/risk-profiles/dry-run?days=7&limit=1000: how many recent declarations a draft profile would select. */
import { z } from 'zod';
import { declarationRepository, riskDataSources } from '../../../shared/adapters/platform.ts';
import { systemClock } from '../../../shared/adapters/system-clock.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { jsonBody, parseQuery } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { dryRunRiskProfile } from '../../../shared/usecases/manage-risk-profiles.ts';

const querySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(7),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
const deps = { repository: declarationRepository(), clock: systemClock, ...riskDataSources() };

export const handler = httpHandler(async (event) => {
  const query = parseQuery(querySchema, event);
  return json(200, await dryRunRiskProfile({ principal: principalFromEvent(event), body: jsonBody(event), ...query }, deps));
});

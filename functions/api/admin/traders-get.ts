/** GET /v1/admin/traders/{partyId}: a trader's status and compliance history (officer, admin). */
import { riskDataSources } from '../../../shared/adapters/platform.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { pathParameter } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { getTraderProfile } from '../../../shared/usecases/manage-traders.ts';

const deps = { traders: riskDataSources().traders };

export const handler = httpHandler(async (event) =>
  json(200, await getTraderProfile({ principal: principalFromEvent(event), partyId: pathParameter(event, 'partyId') }, deps)),
);

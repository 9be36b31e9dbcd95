/** PUT /v1/admin/traders/{partyId}: set a trader's AEO / trusted-trader status (admin). */
import { riskDataSources } from '../../../shared/adapters/platform.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { jsonBody, pathParameter } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { setTraderStatus } from '../../../shared/usecases/manage-traders.ts';

const deps = { traders: riskDataSources().traders };

export const handler = httpHandler(async (event) =>
  json(200, await setTraderStatus({ principal: principalFromEvent(event), partyId: pathParameter(event, 'partyId'), body: jsonBody(event) }, deps)),
);
